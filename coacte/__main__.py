"""``python -m coacte``: the same as the ``coacte`` command."""

from coacte.cli import main

main()
