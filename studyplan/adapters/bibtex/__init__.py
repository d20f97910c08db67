"""The BibTeX engine behind ``studyplan.adapters.bibliography`` (the facade).

Pure code but for ``service.py``, the package's one adapter, which reads files: the
facade parses text with bibtexparser into
``model.Block`` records and hands them to these modules, which check them (``checks``),
merge them into the personal library (``merge``), make keys (``keys``) and write exports
(``export``). Every block keeps its exact source text; the parser supplies structure only.
"""
