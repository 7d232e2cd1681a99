"""The headless command line `daemon-wizard` (never imports the TUI at import time)."""
