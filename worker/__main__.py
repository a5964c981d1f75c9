"""``python -m worker`` is the ``commitwatch`` command."""

from worker.cli import main

main()
