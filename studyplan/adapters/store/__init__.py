"""The progress store: SQLite with the schema owned by SQLModel tables (``models.py``).

Importing this package is cheap (stdlib only); SQLModel is imported by backup, restore,
doctor and the schema tests, never by the everyday commands. See docs/architecture.md
for why and what it costs.
"""

from studyplan.adapters.store.core import ProgressStore, open_store
from studyplan.adapters.store.rows import MARKS, STATUSES, TopicStatus

# The other records the store hands out are in ``types``, loaded by the commands that
# use them (not by every start).
__all__ = ["MARKS", "STATUSES", "ProgressStore", "TopicStatus", "open_store"]
