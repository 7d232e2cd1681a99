"""`python -m wizard` runs the command line."""

from __future__ import annotations

from wizard.cli.main import main

raise SystemExit(main())
