"""`python -m wizard` runs the command line."""

from __future__ import annotations

from wizard.cli.entry import run

raise SystemExit(run())
