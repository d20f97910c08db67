"""docs/lab.md shows exactly the SQL that ``cohort init`` runs."""

from __future__ import annotations

from helpers import ROOT
from studyplan.adapters.store.cohort_sql import init_sql


def test_docs_show_the_exact_init_sql(cli: object) -> None:
    text = (ROOT / "docs" / "lab.md").read_text(encoding="utf-8")
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    assert block == init_sql("public")
    result = cli("cohort", "init", "--show-sql")  # type: ignore[operator]
    assert result.exit_code == 0 and result.stdout == init_sql("public")
