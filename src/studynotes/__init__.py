"""studynotes: an Obsidian vault of study notes as a browsable, searchable knowledge base."""

__version__ = "0.1.0"
