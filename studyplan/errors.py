"""The one exception hierarchy of studyplan.

Every error a user can cause is a ``StudyplanError`` subclass whose message is ready to
print as one line. The CLI turns them into exit codes in exactly one place
(``studyplan.cli.failures``); nothing else calls ``sys.exit``.

No ``from __future__ import annotations``: ``typing.NamedTuple`` compiles each
field annotation given as a string (see ``studyplan.domain.catalog``).
"""

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import NamedTuple

# Exit codes (documented in the README). 1 is left to Python for unexpected crashes and
# 2 to Click for command-line usage errors.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INVALID_CURRICULA = 3
EXIT_NOT_FOUND = 4
EXIT_STORE = 5
EXIT_BIBTEX = 6
EXIT_MISSING_TOOL = 7
EXIT_CONFLICT = 8
EXIT_ABORTED = 9


#: How much of a user-given id or name an error message repeats.
ECHO = 60


def clip(text: str, limit: int = ECHO) -> str:
    """``text`` cut to ``limit`` characters for a message (a 100k-character id must not
    become a 100k-character line); control characters are shown escaped, so that a
    name cannot move the cursor or fake a second line."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    if shown.isprintable():
        return shown
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)


def command(*words: str) -> str:
    """A command to suggest in a message, every word quoted for the shell: a plan named
    ``x $(touch pwned)`` must not become a command that runs something when pasted."""
    import shlex

    return shlex.join(["studyplan", *words])


class StudyplanError(Exception):
    """Base class: a one-line, user-ready message and an exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """The lines to print on stderr (the message, then its hint if any)."""
        return [f"error: {self.message}" + (f" ({self.hint})" if self.hint else "")]


class InputError(StudyplanError):
    """A value given on the command line is not acceptable (bad date, hours <= 0, ...)."""

    exit_code = EXIT_USAGE


class NotFoundError(StudyplanError):
    """A named thing (topic, curriculum, plan, citation key) does not exist."""

    exit_code = EXIT_NOT_FOUND


class ConflictError(StudyplanError):
    """The request would overwrite something the user made (a key, a plan name)."""

    exit_code = EXIT_CONFLICT


class AbortedError(StudyplanError):
    """A question-and-answer session ended before it was finished (its input closed):
    nothing was recorded."""

    exit_code = EXIT_ABORTED


class StoreError(StudyplanError):
    """The progress database cannot be used: not a database, corrupt, too new, read-only."""

    exit_code = EXIT_STORE


class DiskFullError(StoreError):
    """The progress database cannot be written because the disk is full (reading works)."""


class WriteError(StudyplanError):
    """A file cannot be written because the machine cannot take it (disk full, I/O error).

    Shares the store's exit code: in both cases nothing was written and nothing is lost."""

    exit_code = EXIT_STORE


class BibError(StudyplanError):
    """A BibTeX file cannot be read or an entry is malformed."""

    exit_code = EXIT_BIBTEX


class MissingToolError(StudyplanError):
    """An external program (e.g. Graphviz ``dot``) is needed but not installed."""

    exit_code = EXIT_MISSING_TOOL


class ProblemCode(StrEnum):
    """What kind of problem a ``Problem`` is. Code that treats some problems differently
    filters on this, never on the message text (which can be reworded freely)."""

    OTHER = "other"
    # curricula
    DUPLICATE_ID = "duplicate-id"
    SELF_PREREQUISITE = "self-prerequisite"
    DANGLING_PREREQUISITE = "dangling-prerequisite"
    DUPLICATE_PREREQUISITE = "duplicate-prerequisite"
    CITATION_KEY = "citation-key"
    CYCLE = "cycle"
    # the progress database (``doctor``)
    INTEGRITY = "integrity"
    FOREIGN_KEY = "foreign-key"
    MIGRATION = "migration"
    SCHEMA_DRIFT = "schema-drift"
    ORPHANED_TOPIC = "orphaned-topic"


class Problem(NamedTuple):
    """One problem found in a curriculum file, a BibTeX file or the progress database,
    locatable by file and line or topic id; ``code`` says what kind it is."""

    source: str
    message: str
    hint: str = ""
    line: int | None = None
    topic: str | None = None
    code: ProblemCode = ProblemCode.OTHER

    def render(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        subject = f" topic '{self.topic}':" if self.topic else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}:{subject} {self.message}{hint}"


class CurriculumError(StudyplanError):
    """The curricula do not validate; carries every problem found, one line each."""

    exit_code = EXIT_INVALID_CURRICULA

    def __init__(self, problems: Sequence[Problem]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the curricula",
            "fix them and run 'studyplan validate'",
        )
        self.problems = list(problems)

    def lines(self) -> list[str]:
        return [p.render() for p in self.problems] + super().lines()


class BibProblemsError(BibError):
    """BibTeX input with problems (bad blocks, or a failed ``bib check``): one line each."""

    def __init__(self, problems: Sequence[Problem], message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.problems = list(problems)

    def lines(self) -> list[str]:
        return [p.render() for p in self.problems] + super().lines()


class BibConflictError(ConflictError):
    """Imported BibTeX blocks whose keys exist with different content: one line each."""

    def __init__(self, problems: Sequence[Problem], message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.problems = list(problems)

    def lines(self) -> list[str]:
        return [p.render() for p in self.problems] + super().lines()


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' — did you mean …?' suffix hint, or an empty string when nothing is close."""
    import difflib

    pool = list(candidates)
    close = difflib.get_close_matches(word, pool, n=3, cutoff=0.6)
    if not close:
        # Ids are dotted; a learner often types only the part after the dot.
        close = [c for c in pool if c.rsplit(".", 1)[-1] == word][:3]
    if not close:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
