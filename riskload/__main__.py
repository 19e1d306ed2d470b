"""``python -m riskload``: the same as the ``riskload`` command."""

from .cli import main

main()
