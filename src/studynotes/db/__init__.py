"""The concept graph in SQL: models, sessions and read queries."""
