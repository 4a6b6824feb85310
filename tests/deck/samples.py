"""Deck texts shared by the deck tests."""

PETS = """
deck: pets
title: Pets
cards:
  - id: cat
    term: Cat
    definition: A small furry animal that purrs and hunts mice.
"""
"""The smallest valid deck: one card, no warnings."""
