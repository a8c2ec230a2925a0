"""The `/milestone` command: the words a user typed in, one request, a reply out.

Parsing is the shared grammar's (`ledger.grammar.parse`, words into a
request); answering is the ledger's `handle`, with the verified Slack user as
the actor and an idempotency key derived from the request, so a retried
delivery records nothing twice. A change whose request has a `preview` (an
RFC approval) asks first: the reply shows the preview with a button (behind
Slack's confirm dialog), and only the click records the change. A long answer
comes a page at a time (`bot.more`): its "more" button carries the words, so
answering it is parsing and reading again, never recording. A read whose
answer is a picture (a chart, the dependency graph) is drawn and uploaded to
the channel it was asked in (`bot.uploads`), and the asker is told where.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot import blocks, prompts, render
from bot.access import LedgerAccess
from bot.blocks import Reply
from bot.incoming import Click, SlashRequest
from bot.limits import problems
from bot.links import web_path, web_url
from bot.more import PageRequest, page_of
from bot.uploads import Uploads, picture
from bot.words import split
from ledger import grammar
from ledger.errors import Conflict, InvalidInput, LedgerError, PermissionDenied
from ledger.handle import Context, handle
from ledger.ledger import Ledger
from ledger.requests import Change, Read, Request
from ledger.results import ApprovalPreviewResult
from ledger.signing import Signer

log = logging.getLogger(__name__)

#: The button that records a previewed change, and the one that leaves it.
APPROVE_ACTION = "milestone_rfc_approve"
CANCEL_ACTION = "milestone_rfc_cancel"


@dataclass(frozen=True)
class Job:
    """A parsed request, to answer against the ledger on a worker thread."""

    name: str
    writes: bool
    run: Callable[[], Reply]


def _no_signer() -> Signer:
    raise InvalidInput("a read needs no key")  # reads never sign; reaching this is a bug


class Slash:
    """Answers `/milestone` requests, their "more" buttons and confirmation clicks.

    `web` is the web view's address (`MILESTONE_WEB_URL`), which paged answers link to.
    """

    def __init__(
        self, access: LedgerAccess, *, web: str | None = None, uploads: Uploads | None = None
    ) -> None:
        self.access = access
        self.web = web
        self.uploads = uploads

    def prepare(self, request: SlashRequest) -> Reply | Job:
        """Parse a request: a reply at once (help, a parse error) or a job for the ledger."""
        try:
            words = split(request.text, team_id=request.team_id)
            if not words or words[0] == "help":
                return page_of(_help(words), page=1, words=words or ["help"], head=0, now=0)
            parsed = grammar.parse(words)
            named = getattr(parsed, "actor", None)
            if isinstance(named, str) and named.startswith("@"):
                raise InvalidInput(
                    f"Slack sent {named} as plain text, not as a user id: mention the "
                    "person (pick them from the list as you type @), or write "
                    "slack:TEAM/USER. If mentions never work, turn on 'Escape channels, users, "
                    "and links' for /milestone in the Slack app (docs/slack.md)"
                )
        except LedgerError as error:
            return blocks.error(str(error))
        except Exception:
            log.exception("could not parse a /milestone request")
            return blocks.error("the bot could not read that command (it is logged); try `help`")
        name = grammar.name_of(parsed)
        if isinstance(parsed, Change):
            preview = parsed.preview()
            if preview is not None:
                # Asking first: the job only reads, and shows the button that records it.
                prompt = partial(self._prompt, preview, words, request.idem)
                return Job(name, False, partial(self._guarded, prompt))
            write = partial(self._write, parsed, request.actor, request.idem)
            return Job(name, True, partial(self._guarded, write))
        read = partial(self._read, parsed, words, request.actor, channel=request.channel_id)
        return Job(name, False, partial(self._guarded, read))

    def more(self, click: Click) -> Reply:
        """The page a "more" button asks for: it reads, whatever its words say."""
        return self._guarded(lambda: self._page(click))

    def approve(self, click: Click) -> Reply:
        """Record the change a confirmed button names, once however often it is clicked."""
        return self._guarded(lambda: self._confirmed(click))

    # --- answering ----------------------------------------------------------------------------

    def _guarded(self, answer: Callable[[], Reply]) -> Reply:
        """Library errors become their message; anything else is logged, not shown raw; an
        answer Slack would refuse (a bug) is logged and replaced by one it takes."""
        try:
            reply = answer()
            if found := problems(reply.ephemeral()):
                log.error("an answer broke Slack's limits: %s", found)
                return blocks.error(
                    "the answer is too long for Slack (a bug, and it is logged); a terminal "
                    "shows it"
                )
            return reply
        except LedgerError as error:
            return blocks.error(str(error))
        except Exception:
            log.exception("a /milestone request failed")
            return blocks.error(
                "something went wrong on the bot's side (it is logged). If you changed "
                "something, `milestone history CODE` shows whether it was recorded"
            )

    def _page(self, click: Click) -> Reply:
        asked = PageRequest.decode(click.value)
        if asked.words[0] == "help":
            return page_of(_help(asked.words), page=asked.page, words=asked.words, head=0, now=0)
        request = grammar.parse(list(asked.words))
        if isinstance(request, Change):
            preview = request.preview()
            if preview is None:
                raise InvalidInput("this button is not one the bot made; run the command again")
            return self._prompt(preview, asked.words, click.nonce, page=asked.page, head=asked.head)
        return self._read(request, asked.words, click.actor, page=asked.page, head=asked.head)

    def _read_signer(self) -> Signer:
        """The bot's key, for the reads that sign: a checkpoint of the head, a proof in one."""
        if self.access.signer is None:
            raise PermissionDenied(
                "this bot has no signing key (MILESTONE_BOT_KEY), so it signs no checkpoints; "
                "`milestone checkpoints` lists those signed at RFC approvals"
            )
        return self.access.signer

    def _read(
        self,
        request: Request,
        words: Sequence[str],
        actor: str,
        page: int = 1,
        head: int | None = None,
        channel: str | None = None,
    ) -> Reply:
        def read(ledger: Ledger) -> tuple[Any, tuple[int, str] | None, int]:
            context = Context(lambda: ledger, self._read_signer, actor)
            return handle(request, context=context), ledger.broken, ledger.length

        result, broken, now = self.access.read(read)
        shown = picture(result)
        if shown is not None and self.uploads is not None:
            # A chart is drawn and uploaded outside the ledger's lock: other reads go on.
            posted = self.uploads.post(shown, channel=channel, actor=actor, words=words)
            return posted.with_note(blocks.broken(*broken)) if broken else posted
        answer = page_of(
            render.answer(result),
            page=page,
            words=words,
            head=now if head is None else head,
            now=now,
            url=web_url(self.web, web_path(request)),
        )
        return answer.with_note(blocks.broken(*broken)) if broken else answer

    def _write(
        self, request: Change, actor: str, idem: str, expect_head: int | None = None
    ) -> Reply:
        def write(ledger: Ledger, signer: Signer) -> Any:
            context = Context(lambda: ledger, lambda: signer, actor, idem, expect_head)
            return handle(request, context=context)

        return render.answer(self.access.write(write))

    def _prompt(
        self,
        preview: Read,
        words: Sequence[str],
        nonce: str,
        note: str = "",
        page: int = 1,
        head: int | None = None,
    ) -> Reply:
        """Show what the change would do, with the button that records it (on page 1)."""

        def look(ledger: Ledger) -> Any:
            return handle(preview, context=Context(lambda: ledger, _no_signer))

        result = self.access.read(look)
        if not isinstance(result, ApprovalPreviewResult):
            raise TypeError(f"no confirmation prompt for {type(result).__name__}")
        # The button carries the words to record and the head the person saw.
        value = json.dumps({"words": list(words), "head": result.head, "prompt": nonce})
        prompt = prompts.approval_prompt(
            result.rfc, result.version, value, APPROVE_ACTION, CANCEL_ACTION, note
        )
        return page_of(
            prompt,
            page=page,
            words=words,
            head=result.head if head is None else head,
            now=result.head,
            url=web_url(self.web, web_path(preview)),
        )

    def _confirmed(self, click: Click) -> Reply:
        try:
            asked = json.loads(click.value)
            words, head, prompt = list(asked["words"]), int(asked["head"]), str(asked["prompt"])
            request = grammar.parse([str(word) for word in words])
        except (ValueError, KeyError, TypeError, LedgerError):
            raise InvalidInput(
                "this button is not one the bot made; run the command again"
            ) from None
        preview = request.preview() if isinstance(request, Change) else None
        if not isinstance(request, Change) or preview is None:
            raise InvalidInput("this button is not one the bot made; run the command again")
        try:
            # Every click on this prompt carries the same key: a double click, or Slack
            # delivering the click twice, records once. And record what was shown: if
            # anything was appended since, ask again.
            return self._write(request, click.actor, f"{prompt}/approve", expect_head=head)
        except Conflict as moved:
            return self._prompt(preview, words, click.nonce, note=str(moved))


def _help(words: Sequence[str]) -> Reply:
    """Help on every command, or on the one `words` name after `help`."""
    if len(words) > 1:
        return prompts.help_one(grammar.find(list(words[1:]))[0])
    return prompts.help_all(grammar.COMMANDS)
