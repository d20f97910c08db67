"""Pictures of a study path: DOT, Mermaid and SVG graphs, an HTML report, an ICS calendar.

``model`` turns the catalog, the learner's progress and a selection (goals, a curriculum,
a saved plan) into a ``GraphView`` of plain data; ``dot``, ``mermaid``, ``report`` and
``calendar`` turn views and plans into text. Only ``dot.svg_from_dot`` (runs Graphviz) and
``studyplan.adapters.files.write_atomic`` writes the files; ``calendar`` imports icalendar lazily.
"""
