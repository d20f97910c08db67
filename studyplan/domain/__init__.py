"""The pure core: the catalog of topics, the prerequisite graph and its passes, plans,
saved plans, the frontier, and the ranges every value must be in.

Nothing here does I/O or knows of files, SQL, YAML, BibTeX parsing or the terminal; the
import contracts in ``pyproject.toml`` (``lint-imports``) hold it to that. Adapters
(``studyplan.adapters``) feed it data, views (``studyplan.views``) and the CLI
(``studyplan.cli``) turn its results into text.
"""
