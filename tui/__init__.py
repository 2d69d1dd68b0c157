"""The Textual chat app (`advisor` / `advisor chat`); see tui/app.py."""
