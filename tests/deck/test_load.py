"""Deck loading: errors name file:line:column and the field; bad decks never stop the others."""
