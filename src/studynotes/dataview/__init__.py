"""Queries over the vault in the Dataview Query Language, run when a page is rendered.

``parse_query`` (lexer, recursive-descent parser) gives a ``Query``; ``run_query`` evaluates
it over the vault's ``Page`` rows (``pages``); ``render`` turns results into HTML. Every
failure a query can meet is a ``QueryError``, shown in place of the results.
"""
