"""``python -m deltaprop``: the command line."""

from .cli import main

raise SystemExit(main())
