"""Read curriculum files, validate them together, and build the ``Catalog``.

Validation collects *every* problem (``studyplan.errors.Problem``) instead of stopping at
the first: YAML syntax, types and fields (via the pydantic models), ids, duplicates,
dangling prerequisites, cycles and citation keys. Each problem carries its file and line.
YAML is loaded with the safe loader only: no object construction from tags. A file that
rapidyaml and ``fast_check`` can vouch for skips PyYAML and the models; a file with any
problem is checked again through them, so that its problems are worded with lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from studyplan.adapters.curriculum.sources import YAML_SUFFIXES as YAML_SUFFIXES
from studyplan.adapters.curriculum.sources import KnownDigest as KnownDigest
from studyplan.adapters.curriculum.sources import Source as Source
from studyplan.adapters.curriculum.sources import content_digest as content_digest
from studyplan.adapters.curriculum.sources import discover as discover
from studyplan.adapters.curriculum.sources import discover_real as discover_real
from studyplan.adapters.curriculum.sources import read_problem as read_problem
from studyplan.adapters.curriculum.sources import read_source as read_source
from studyplan.adapters.curriculum.sources import read_sources as read_sources
from studyplan.domain.catalog import (
    Catalog,
    Curriculum,
    Topic,
)
from studyplan.errors import CurriculumError, Problem, ProblemCode, did_you_mean

if TYPE_CHECKING:
    from pydantic import ValidationError

    from studyplan.adapters.curriculum.model import CurriculumHeader

# -- validation -------------------------------------------------------------------------------


class Parsed:
    """One file's curriculum and topics, checked on their own (not against other files);
    ``alias_lines``: each alias declared in the file -> its line (for problems across
    files). A plain class (the workspace pickles one per file), for ``Source``'s reason."""

    __slots__ = ("alias_lines", "curriculum", "json", "topics")

    def __init__(
        self,
        curriculum: Curriculum,
        topics: list[Topic],
        alias_lines: dict[str, int | None],
        json: str = "",
    ) -> None:
        self.curriculum = curriculum
        self.topics = topics
        self.alias_lines = alias_lines
        # The file's data as JSON, when the fast parser and the fast check took it: what
        # the parse cache keeps (``parse_json`` checks it again far faster than it unpickles).
        self.json = json


ParseResult = tuple[Parsed | None, list[Problem]]


def parse_one(source: Source) -> ParseResult:
    """Parse and check one file: YAML, fields, id prefixes. A pure function of the file's
    bytes and label, which is what lets the workspace keep its result per file.

    The fast YAML parser is tried first; it gives no line numbers, so a file with any
    problem is parsed again exactly (``parse_exact``) for its problems' lines."""
    parsed, problems = _parse(source, exact=False)
    if problems:
        return parse_exact(source)
    return parsed, problems


def parse_exact(source: Source) -> ParseResult:
    """``parse_one`` through PyYAML only: every topic and problem has its line."""
    return _parse(source, exact=True)


def parse_json(source: Source, emitted: str) -> ParseResult:
    """``parse_one`` from the file's data as the fast parser gave it (``Parsed.json``,
    kept by the parse cache): checked again, not parsed again."""
    return _parse(source, exact=False, emitted=emitted)


def _parse(source: Source, *, exact: bool, emitted: str | None = None) -> ParseResult:
    """``parse_one``'s steps: the file's data (the fast parser's unless ``exact``, or the
    cached ``emitted``), its header, its topic list; then either the fast path (topics
    ``fast_check`` vouches for, no line numbers) or every topic through the models, each
    problem at its line when the data came from PyYAML."""
    node, data, emitted, problems = _load(source, exact=exact, emitted=emitted)
    if data is None:
        return None, problems
    header = _header(source, data, node, problems)
    raw_topics = _topic_list(source, data, node, problems)
    fast = _fast_parsed(source, header, raw_topics, node, emitted)
    if fast is not None:
        return fast, problems
    topics, alias_lines = _checked_topics(source, header, raw_topics, node, problems)
    if header is None:
        return None, problems
    curriculum = Curriculum(
        header.id,
        header.title,
        header.title_zh,
        header.description,
        tuple(t.id for t in topics),
        source.label,
    )
    return Parsed(curriculum, topics, alias_lines), problems


def _load(
    source: Source, *, exact: bool, emitted: str | None
) -> tuple[Any, Any, str | None, list[Problem]]:
    """The file's data: (PyYAML node tree or ``None``, data or ``None`` when unusable, the
    fast parser's JSON when the data is its, problems). Through rapidyaml unless ``exact``
    (or from ``emitted``, the parse cache's JSON); PyYAML when rapidyaml cannot say."""
    import contextlib

    from studyplan.adapters.curriculum.yaml_lines import compose, fast_json, load_json

    node: Any = None
    problems: list[Problem] = []
    cached = emitted is not None
    if emitted is None and not exact:
        with contextlib.suppress(UnicodeDecodeError):  # PyYAML's path words it
            emitted = fast_json(source.data.decode("utf-8"))
    data = load_json(emitted) if emitted is not None else None
    if not (isinstance(data, dict) and data):
        if cached:  # a broken cache entry: the caller parses the file
            return None, None, None, [Problem(source.label, "cached data unusable", "")]
        emitted = None
        node, data, problems = compose(source)
    return node, data, emitted, problems


def _header(
    source: Source, data: dict[str, Any], node: Any, problems: list[Problem]
) -> CurriculumHeader | None:
    """The file's header (everything but ``topics``) through its model; ``None`` with its
    problems added to ``problems`` when it is not valid."""
    from pydantic import ValidationError

    from studyplan.adapters.curriculum.model import CurriculumHeader
    from studyplan.adapters.curriculum.yaml_lines import describe, line_of

    header_data = {k: v for k, v in data.items() if k != "topics"}
    try:
        return CurriculumHeader.model_validate(header_data)
    except ValidationError as exc:
        for err in exc.errors():
            msg, hint = describe(dict(err), err["loc"])
            problems.append(Problem(source.label, msg, hint, line=line_of(node, err["loc"])))
        return None


def _topic_list(
    source: Source, data: dict[str, Any], node: Any, problems: list[Problem]
) -> list[Any]:
    """The file's raw topics; an empty list, with a problem added, unless ``topics`` is a
    non-empty list."""
    from studyplan.adapters.curriculum.yaml_lines import line_of

    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        got = (
            "nothing" if raw_topics is None else f"{type(raw_topics).__name__} {raw_topics!r}"[:60]
        )
        problems.append(
            Problem(
                source.label,
                f"'topics' must be a non-empty list (got {got})",
                "add at least one topic",
                line=line_of(node, ["topics"]),
            )
        )
        raw_topics = []
    return raw_topics


def _fast_parsed(
    source: Source,
    header: CurriculumHeader | None,
    raw_topics: list[Any],
    node: Any,
    emitted: str | None,
) -> Parsed | None:
    """The fast path: the fast parser's data (no node tree) whose topics are certainly
    valid (``fast_check``) skips the models; ``None`` when it does not apply."""
    from studyplan.adapters.curriculum.fast_check import clean, topics_of

    fast = topics_of(raw_topics, header.id, source.label) if node is None and header else None
    if header is None or fast is None or not clean(source, header.id, fast):
        return None
    ids = tuple(t.id for t in fast)
    curriculum = Curriculum(
        header.id, header.title, header.title_zh, header.description, ids, source.label
    )
    aliases: dict[str, int | None] = {a: None for t in fast for a in t.aliases}
    return Parsed(curriculum, fast, aliases, emitted or "")


def _checked_topics(
    source: Source,
    header: CurriculumHeader | None,
    raw_topics: list[Any],
    node: Any,
    problems: list[Problem],
) -> tuple[list[Topic], dict[str, int | None]]:
    """The exact path: every topic through ``TopicSpec``, then its id prefix and its
    pointers; the valid topics and each alias's line, with the problems added to
    ``problems`` (each at its line when ``node`` is PyYAML's tree)."""
    from pydantic import ValidationError

    from studyplan.adapters.curriculum.model import TopicSpec, catalog_topic
    from studyplan.adapters.curriculum.spec_problems import pointer_problems
    from studyplan.adapters.curriculum.yaml_lines import line_of

    topics: list[Topic] = []
    alias_lines: dict[str, int | None] = {}
    for index, raw in enumerate(raw_topics):
        loc_prefix: tuple[str | int, ...] = ("topics", index)
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        topic_label = raw_id if isinstance(raw_id, str) else None
        try:
            spec = TopicSpec.model_validate(raw)
        except ValidationError as exc:
            problems += _spec_problems(source, node, loc_prefix, topic_label, exc)
            continue
        line = line_of(node, loc_prefix)
        if header is not None and not spec.id.startswith(header.id + "."):
            problems.append(
                Problem(
                    source.label,
                    f"topic id must start with '{header.id}.'",
                    f"rename it to '{header.id}.{spec.id.split('.', 1)[1]}'",
                    line=line,
                    topic=spec.id,
                )
            )
        problems += pointer_problems(source, node, loc_prefix, spec)
        for k, alias in enumerate(spec.aliases):
            alias_lines.setdefault(alias, line_of(node, (*loc_prefix, "aliases", k)))
        topics.append(catalog_topic(spec, header.id if header else "", source.label, line))
    return topics, alias_lines


def _spec_problems(
    source: Source,
    node: Any,
    loc_prefix: tuple[str | int, ...],
    topic_label: str | None,
    exc: ValidationError,
) -> list[Problem]:
    """One topic's model errors as problems: the milestone/learnable rules through
    ``kind_problems``, every other field named within the topic when its id is known."""
    from studyplan.adapters.curriculum.spec_problems import kind_problems
    from studyplan.adapters.curriculum.yaml_lines import describe, line_of

    problems: list[Problem] = []
    for err in exc.errors():
        if err["type"] == "topic_kind":
            problems += kind_problems(source, node, loc_prefix, topic_label, err)
            continue
        full_loc = (*loc_prefix, *err["loc"])
        # With the topic's id printed, name the field within the topic.
        named = err["loc"] if topic_label else full_loc
        msg, hint = describe(dict(err), named)
        problems.append(
            Problem(source.label, msg, hint, line=line_of(node, full_loc), topic=topic_label)
        )
    return problems


def validate(
    sources: Sequence[Source],
    known_keys: set[str] | frozenset[str],
    parse: Callable[[Source], ParseResult] = parse_one,
) -> tuple[Catalog, list[Problem]]:
    """Validate the sources together; return the catalog built from what was valid and
    every problem found. The catalog is only safe to use when the list is empty.
    ``parse`` checks one file (``parse_one``, or a cache of its results).

    When there are problems, the files are checked again through ``parse_exact``: the
    fast parser's topics have no lines, and the problems across files should."""
    catalog, problems = _validate(sources, known_keys, parse)
    if problems and parse is not parse_exact:
        return _validate(sources, known_keys, parse_exact)
    return catalog, problems


def _validate(
    sources: Sequence[Source],
    known_keys: set[str] | frozenset[str],
    parse: Callable[[Source], ParseResult],
) -> tuple[Catalog, list[Problem]]:
    # Imported here, not at the top: a warm start reads sources and never validates.
    from studyplan.adapters.curriculum.aliases import collect_aliases, resolved

    curricula, topics, declared, problems = _merge(sources, parse)
    aliases, alias_problems = collect_aliases(declared, topics)
    problems += alias_problems
    if aliases:
        topics = {tid: resolved(t, aliases) for tid, t in topics.items()}
    problems += _link_problems(topics, known_keys)
    catalog = Catalog(curricula=curricula, topics=topics, aliases=aliases)
    if not _acyclic(catalog):
        problems += _cycle_problems(topics)
    return catalog, problems


def _acyclic(catalog: Catalog) -> bool:
    """Whether the catalog's prerequisite links (as its table keeps them, without a
    topic naming itself) form a DAG; the rustworkx graph this builds is then the one
    the planner walks (``Catalog.planning_graph``), so a cold run builds it once."""
    from operator import eq

    from studyplan.domain import native

    sources, targets = catalog.topics.links()
    if any(map(eq, sources, targets)):
        return False  # a self-prerequisite: the full search words it
    graph = native.planning_graph(len(catalog.topics), sources, targets)
    if not native.is_acyclic(graph):
        return False
    catalog.planning_graph = lambda: graph
    return True


def _merge(
    sources: Sequence[Source], parse: Callable[[Source], ParseResult]
) -> tuple[
    dict[str, Curriculum],
    dict[str, Topic],
    list[tuple[Topic, dict[str, int | None]]],
    list[Problem],
]:
    """Each file parsed on its own, merged: a duplicate curriculum or topic id is a
    problem and the first one wins. Also the topics that declare aliases."""
    problems: list[Problem] = []
    curricula: dict[str, Curriculum] = {}
    topics: dict[str, Topic] = {}
    declared: list[tuple[Topic, dict[str, int | None]]] = []  # topics with aliases
    for source in sources:
        parsed, found = parse(source)
        problems += found
        if parsed is None:
            continue
        cur = parsed.curriculum
        if cur.id in curricula:
            first = curricula[cur.id]
            problems.append(
                Problem(
                    source.label,
                    f"duplicate curriculum id '{cur.id}' (also in {first.source})",
                    "give each curriculum its own id",
                    line=1,
                    code=ProblemCode.DUPLICATE_ID,
                )
            )
            continue
        kept: list[str] = []
        for topic in parsed.topics:
            if topic.id in topics:
                first_topic = topics[topic.id]
                where = (
                    f"{first_topic.source}:{first_topic.line}"
                    if first_topic.line
                    else first_topic.source
                )
                problems.append(
                    Problem(
                        source.label,
                        f"duplicate topic id (first defined at {where})",
                        "rename one of them; published ids never change, so rename the new one",
                        line=topic.line,
                        topic=topic.id,
                        code=ProblemCode.DUPLICATE_ID,
                    )
                )
                continue
            topics[topic.id] = topic
            kept.append(topic.id)
            if topic.aliases:
                declared.append((topic, parsed.alias_lines))
        curricula[cur.id] = Curriculum(
            cur.id, cur.title, cur.title_zh, cur.description, tuple(kept), cur.source
        )
    return curricula, topics, declared, problems


def _link_problems(
    topics: Mapping[str, Topic], known_keys: set[str] | frozenset[str]
) -> list[Problem]:
    """Prerequisites naming themselves, no topic or one twice; readings citing a key that
    neither references.bib nor the library has."""
    problems: list[Problem] = []
    for topic in topics.values():
        seen_pre: set[str] = set()
        for pre in topic.prerequisites:
            if pre.id == topic.id:
                problems.append(
                    Problem(
                        topic.source,
                        "lists itself as a prerequisite",
                        "remove that prerequisite",
                        line=topic.line,
                        topic=topic.id,
                        code=ProblemCode.SELF_PREREQUISITE,
                    )
                )
            elif pre.id not in topics:
                hint = did_you_mean(pre.id, topics) or "check the id with 'studyplan topics'"
                problems.append(
                    Problem(
                        topic.source,
                        f"prerequisite '{pre.id}' names no topic",
                        hint,
                        line=topic.line,
                        topic=topic.id,
                        code=ProblemCode.DANGLING_PREREQUISITE,
                    )
                )
            elif pre.id in seen_pre:
                problems.append(
                    Problem(
                        topic.source,
                        f"prerequisite '{pre.id}' is listed twice",
                        "keep one",
                        line=topic.line,
                        topic=topic.id,
                        code=ProblemCode.DUPLICATE_PREREQUISITE,
                    )
                )
            seen_pre.add(pre.id)
        for reading in topic.readings:
            if reading.key not in known_keys:
                hint = (
                    did_you_mean(reading.key, known_keys)
                    or "add the entry to references.bib or import it with 'studyplan bib import'"
                )
                problems.append(
                    Problem(
                        topic.source,
                        f"citation key '{reading.key}' is not in references.bib or your library",
                        hint,
                        line=topic.line,
                        topic=topic.id,
                        code=ProblemCode.CITATION_KEY,
                    )
                )
    return problems


def _cycle_problems(topics: Mapping[str, Topic]) -> list[Problem]:
    """One problem per prerequisite cycle, reported at its first topic."""
    from studyplan.domain.graph import PrerequisiteGraph

    problems: list[Problem] = []
    graph = PrerequisiteGraph(
        {tid: [p.id for p in t.prerequisites if p.id != tid] for tid, t in topics.items()}
    )
    for cycle in graph.find_cycles():
        head = topics[cycle[0]]
        problems.append(
            Problem(
                head.source,
                "prerequisite cycle: " + " → ".join(cycle),
                "remove one of these prerequisites (each topic requires the next)",
                line=head.line,
                topic=head.id,
                code=ProblemCode.CYCLE,
            )
        )
    return problems


def load(
    sources: Sequence[Source],
    known_keys: set[str] | frozenset[str],
    parse: Callable[[Source], ParseResult] = parse_one,
) -> Catalog:
    """Validate and return the catalog, or raise ``CurriculumError`` with every problem."""
    catalog, problems = validate(sources, known_keys, parse)
    if problems:
        raise CurriculumError(problems)
    return catalog
