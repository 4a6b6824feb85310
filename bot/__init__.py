"""quizbot: study notes to quiz decks, run in Slack, Discord and the console."""

__version__ = "0.1.0"
