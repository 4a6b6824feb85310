"""Fake platform servers (Discord, Slack) that the real client libraries talk to in tests."""
