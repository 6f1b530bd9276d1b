"""From vault files to the concept graph: discover, parse, resolve, store."""
