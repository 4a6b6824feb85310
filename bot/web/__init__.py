"""Read-only web pages of a workspace: leaderboards, the deck browser, round results.

Served by the bot's own HTTP server (``QUIZBOT_HTTP_ADDR``, beside ``/healthz``) under
``/w/<token>/``, where the token is the workspace's secret link (:mod:`bot.quiz.web`). A
token that is not a workspace's current one gives 404, as does anything outside that
workspace. Pages show display names only, never platform ids, and "(hidden)" for members
who asked (``/quiz web hide-me``). Everything is rendered by Jinja2 with autoescape on, so a
name like ``<script>`` shows as text.
"""

from bot.web.routes import add_routes

__all__ = ["add_routes"]
