"""studyplan: plan a study path through prerequisite graphs of topics and readings."""

__version__ = "0.1.0"
