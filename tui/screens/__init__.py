"""The app's screens: the chat itself and the small modal dialogs it opens."""
