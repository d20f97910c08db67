"""Allow ``python -m studyplan``."""

from studyplan.cli import main

main(prog_name="studyplan")
