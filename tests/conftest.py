"""Shared fixtures. Fakes live in tests/fakes/; helpers that build decks in tests/helpers.py."""
