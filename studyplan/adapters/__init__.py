"""What connects the domain to the outside world: curriculum files (YAML, pydantic), the
workspace and its cache, the atomic file writer, platform paths, the progress store
(SQLite through stdlib ``sqlite3`` and SQLModel) and BibTeX (bibtexparser).

Adapters may import the domain, never the CLI.
"""
