"""Study mode: cards from the vault, decks, FSRS scheduling, statistics, Anki export."""
