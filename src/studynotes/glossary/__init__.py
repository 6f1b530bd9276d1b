"""Glossary: term extraction from one note's tokens, and the vault-level term list."""

from studynotes.glossary.collect import GlossaryNote, GlossaryTerm, collect_terms
from studynotes.glossary.extract import TermCandidate, extract_terms

__all__ = ["GlossaryNote", "GlossaryTerm", "TermCandidate", "collect_terms", "extract_terms"]
