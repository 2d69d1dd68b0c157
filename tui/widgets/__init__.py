"""The pieces the chat screen is built from: messages, tool blocks, the side panel, the loading bar."""
