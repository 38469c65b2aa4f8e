"""``python -m registre``: the same as the ``registre`` command."""

from registre.cli.main import main

main()
