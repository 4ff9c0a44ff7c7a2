"""reading-list: turn the papers a text cites into a tracked, citable reading list."""

__version__ = "0.1.0"
