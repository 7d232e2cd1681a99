"""The Textual front end of entra-daemon-wizard."""
