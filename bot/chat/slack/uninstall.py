"""When a workspace removes the app: its tokens go, and its schedules stop.

Slack sends ``app_uninstalled`` when a workspace uninstalls the app and ``tokens_revoked``
when its bot token is revoked (an admin, or Slack itself). Either way nothing can be posted
there any more, so both listeners delete that team's tokens (the workspace is then "not
installed": requests from it get bolt's "install this app" answer, posts a ``not_installed``
failure) and pause every schedule of the workspace's channels, so the clock stops trying.
Paused, not deleted: a team that installs the app again gets its schedules back with
``/quiz schedule resume ID``, and nothing else of that team is touched.

Bolt calls these listeners without looking a token up (there is none left to look up) and
answers Slack once they return: a failure (the database gone) is a 500 and Slack delivers the
event again; pausing twice and deleting twice change nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.chat.slack.identity import workspace_of
from bot.chat.slack.installations import Installations
from bot.quiz.service import QuizService

log = logging.getLogger("bot.chat.slack")


class Uninstalls:
    """The two listeners, over the installation store and the quiz service."""

    def __init__(self, installations: Installations, service: QuizService) -> None:
        self.installations = installations
        self.service = service

    def register(self, app: AsyncApp) -> None:
        app.event("app_uninstalled")(self.on_app_uninstalled)
        app.event("tokens_revoked")(self.on_tokens_revoked)

    async def on_app_uninstalled(self, context: Any) -> None:
        team_id, enterprise_id = context.team_id, context.enterprise_id
        if not team_id:
            log.warning("event=slack_uninstall_without_team enterprise=%s", enterprise_id)
            return
        await self.installations.forget(enterprise_id, team_id)
        paused = await self.service.workspace_gone(workspace_of(team_id))
        log.info("event=slack_app_uninstalled team=%s enterprise=%s schedules_paused=%d", team_id, enterprise_id,
                 paused)

    async def on_tokens_revoked(self, event: dict[str, Any], context: Any) -> None:
        team_id, enterprise_id = context.team_id, context.enterprise_id
        bots = (event.get("tokens") or {}).get("bot") or []
        if not team_id or not bots:
            return  # user tokens only: the bot never holds any (bot-only installs)
        await self.installations.forget_bot(enterprise_id, team_id)
        paused = await self.service.workspace_gone(workspace_of(team_id))
        log.info("event=slack_tokens_revoked team=%s enterprise=%s schedules_paused=%d", team_id, enterprise_id,
                 paused)
