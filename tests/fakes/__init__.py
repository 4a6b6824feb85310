"""Fake platforms for end-to-end tests: Slack and Discord servers on 127.0.0.1 that the real
client libraries talk to. Import as ``from tests.fakes.slack import FakeSlack`` or
``from tests.fakes.discord import FakeDiscord``.
"""
