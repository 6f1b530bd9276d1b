"""Allow ``python -m studynotes``."""

from studynotes.cli import main

main()
