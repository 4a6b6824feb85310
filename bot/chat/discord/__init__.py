"""Discord adapter: discord.py app commands, persistent buttons and modals around QuizService (see docs/discord.md)."""
