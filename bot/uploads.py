"""Charts in Slack: drawn as PNG and uploaded to the channel the command came from.

`picture` says, by a result's type, whether its answer is an image (a chart, a dependency
graph). `Uploads.post` draws it and uploads it with slack_sdk's `files_upload_v2`, which is
the Web API's external-upload flow: `files.getUploadURLExternal` (an upload URL and a file
id), the bytes POSTed to that URL, then `files.completeUploadExternal` naming the file and
its title and sharing it in the channel. The person who asked gets a short answer saying
where the chart is; Slack's own refusal (the bot not in the channel, a missing scope) is
turned into what to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import singledispatch
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks import Reply, escape, section, who
from ledger import report_results as rr
from ledger import results as rs
from ledger.errors import LedgerError

if TYPE_CHECKING:
    from ledger.reports.burndown import Burndown
    from ledger.reports.gantt import Gantt
    from ledger.reports.graph import Graph
    from ledger.reports.slip import Slip

#: What to do when Slack refuses an upload, by the error it names.
_FIXES = {
    "not_in_channel": "invite the bot to this channel (`/invite @milestone`) and ask again",
    "channel_not_found": "the bot cannot see this channel; invite it (`/invite @milestone`)",
    "missing_scope": "the Slack app needs the `files:write` scope (see slack-app-manifest.yml)",
    "not_allowed_token_type": "the bot token must be a bot token (xoxb-…)",
}


class UploadRefused(LedgerError):
    """Slack did not take a chart's upload."""


@dataclass(frozen=True)
class Picture:
    """A report to draw as a PNG, at a size (None: the chart's own), with its title."""

    report: Burndown | Gantt | Slip | Graph
    size: tuple[int, int] | None
    name: str  # for the file: burndown, gantt, slip, graph
    title: str


@singledispatch
def picture(result: rs.Result) -> Picture | None:
    """The picture a result is answered with in Slack, or None for a text answer."""
    return None


@picture.register
def _(result: rr.ChartResult) -> Picture:
    from ledger.charts.output import name_of, title_of

    chart = result.chart
    return Picture(chart, result.size, name_of(chart), title_of(chart))


@picture.register
def _(result: rr.GraphResult) -> Picture:
    from ledger.charts.output import title_of

    return Picture(result.graph, None, "graph", title_of(result.graph))


class Uploads:
    """Uploads pictures through a Web API client (the bot's)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(
        self, shown: Picture, *, channel: str | None, actor: str, words: Sequence[str]
    ) -> Reply:
        """Draw `shown` and share it in `channel`, saying who asked and with what words."""
        from ledger.charts.output import png_bytes

        if not channel:
            raise UploadRefused("Slack did not say which channel this came from; ask in a channel")
        image = png_bytes(shown.report, size=shown.size)
        asked = f"{who(actor)} asked for `/milestone {escape(' '.join(words))}`"
        try:
            self.client.files_upload_v2(
                content=image,
                filename=f"{shown.name}.png",
                title=shown.title,
                alt_txt=shown.title,
                channel=channel,
                initial_comment=asked,
            )
        except SlackApiError as error:
            reason = str(error.response.get("error") or "an error")
            fix = _FIXES.get(reason, "try again later; the bot's log has the details")
            raise UploadRefused(f"Slack refused the chart ({reason}): {fix}") from None
        except SlackClientError as error:
            raise UploadRefused(f"the chart could not be uploaded to Slack ({error})") from None
        text = f":bar_chart: *{escape(shown.title)}*: posted in this channel."
        return Reply(text, (section(text),))
