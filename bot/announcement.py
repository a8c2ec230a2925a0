"""What the announcer posts: a change, or a burst of changes, as one message within limits.

Each event is a line saying who did what, naming the milestone's title
("alice completed DM-AP-12 Alert production pipeline on 2021-03-02") and the
event's number. An approval lists the changes that took effect with it. What
does not fit in one message is behind a button that pages through all of it
(the log since the first event, or the RFC), and a link to the web view.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import render_tree
from bot.blocks import Reply, clip, code, escape, section, who
from bot.entries import about
from bot.links import web_link, web_path, web_url
from bot.more import PageRequest, more_buttons
from bot.pages import SECTION_CHARS, reply
from ledger import requests as rq
from ledger import rfcs
from ledger.change_results import IMPORT_COUNTS
from ledger.describe import describe
from ledger.proving import stored

if TYPE_CHECKING:
    from ledger.audit import Entry
    from ledger.ledger import Ledger
    from ledger.proving import CheckpointInfo
    from ledger.state import Recorded

#: Event types whose description already carries the title.
_TITLED = {"milestone.defined", "milestone.retitled", "rfc.opened"}
_INDENT = "        "


@dataclass(frozen=True)
class News:
    """Events to announce, and what the message says about them: the titles of the
    milestones and RFCs they touch, each RFC's state, and for each approval the changes
    that took effect with it."""

    events: Sequence[Recorded]
    rfc_states: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    took_effect: dict[int, list[Entry]] = field(default_factory=dict)
    head: int = 0
    checkpoints: dict[int, CheckpointInfo] = field(default_factory=dict)  # by size


def gather(ledger: Ledger, events: Sequence[Recorded]) -> News:
    """The news of `events`, read from the ledger as it is now."""
    state = ledger.state()
    took_effect = {
        e.seq: rfcs.rfc_show(ledger, e.subject).changes
        for e in events
        if e.type == "rfc.approved" and e.subject in state.rfcs
    }
    names = {_named(e) for e in events}
    names |= {entry.subject for changes in took_effect.values() for entry in changes}
    titles: dict[str, str] = {}
    for name in names - {None}:
        assert name is not None
        rfc = state.rfcs.get(name)
        resolved = state.resolve(name) if rfc is None else None
        if rfc is not None:
            titles[name] = rfc.title
        elif resolved is not None:
            titles[name] = state.milestones[resolved].title
    states = {rfc_id: rfc.state for rfc_id, rfc in state.rfcs.items()}
    # The checkpoint signed at an approval covers the log up to it: its size is the seq.
    kept = {c.size: c for c in stored(ledger, sizes=list(took_effect))} if took_effect else {}
    return News(events, states, titles, took_effect, ledger.length, kept)


def _named(event: Recorded) -> str | None:
    """The milestone code or RFC id an event's line names its title after, if any."""
    if event.type in _TITLED:
        return None
    if event.type.startswith("milestone."):
        name = event.data.get("code")
    elif event.type in ("rfc.approved", "rfc.rejected"):
        name = event.data.get("id")
    else:
        return None
    return name if isinstance(name, str) else None


def titled(event: Recorded, titles: dict[str, str]) -> str:
    """What an event did, escaped, with the title after the code it names."""
    name = _named(event)
    return _with_title(about(event.subject, describe(event)), name, titles)


def _with_title(summary: str, name: str | None, titles: dict[str, str]) -> str:
    """`summary` escaped, with `name`'s title after the first mention of `name` (an RFC's
    in quotes, as it may read like a sentence)."""
    text = escape(summary)
    if name is None or name not in titles:
        return text
    alone = re.compile(rf"(?<![\w-]){re.escape(escape(name))}(?![\w-])")
    title = escape(titles[name])
    if name.startswith("RFC-"):
        title = f"“{title}”"
    return alone.sub(lambda found: f"{found.group(0)} {title}", text, count=1)


def event_line(event: Recorded, news: News) -> str:
    """One event: who, what (titled), under which RFC, and its number."""
    note = ""
    if event.rfc and news.rfc_states.get(event.rfc) == "open":
        note = f" _(proposed under {code(event.rfc)}: takes effect when it is approved)_"
    elif event.rfc:
        note = f" (under {code(event.rfc)})"
    return f"{who(event.actor)} {titled(event, news.titles)}{note} `#{event.seq}`"


def _effect_line(entry: Entry, titles: dict[str, str]) -> str:
    # No `#n` code span here: that marks the events this message announces.
    titled_at = None if entry.type in _TITLED else entry.subject
    summary = _with_title(about(entry.subject, entry.summary), titled_at, titles)
    return f"{_INDENT}↳ {summary} (#{entry.seq})"


def _summary(events: Sequence[Recorded]) -> str:
    kinds = Counter(IMPORT_COUNTS.get(e.type, e.type).replace("_", " ") for e in events)
    return ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())


def _took_effect(approval: Recorded, news: News) -> str:
    count = len(news.took_effect.get(approval.seq, []))
    return f"{describe(approval)}: {count} change(s) took effect"


def announcement(news: News, *, web: str | None = None) -> Reply:
    """The channel message for `news`: one page, with buttons to all of it.

    One event is one line; an approval alone also lists the changes that took
    effect with it. A burst is a title counting it (naming imports and
    approvals) and a line an event. When the message cannot show everything,
    "Show all of it" pages through the log from its first event, and each
    approval has a button paging through what it made take effect.
    """
    events = news.events
    approvals = [e for e in events if e.seq in news.took_effect]
    if len(events) == 1:
        title = event_line(events[0], news)
        lines = []
        if approvals:
            changes = news.took_effect[events[0].seq]
            lines = [f"{len(changes)} change(s) took effect with it:"]
            lines += [_effect_line(e, news.titles) for e in changes]
    else:
        actors = ", ".join(dict.fromkeys(who(e.actor) for e in events))
        named = [describe(e) for e in events if e.type == "revision.imported"]
        named += [_took_effect(e, news) for e in approvals]
        title = (
            f"*{len(events)} changes* by {actors} (#{events[0].seq} to #{events[-1].seq}): "
            + escape("; ".join([*named, _summary(events)]))
        )
        lines = [event_line(e, news) for e in events]
    # An approval's checkpoint, to keep, right under the title: the channel is then a public
    # record of every checkpoint the ledger signed.
    kept = [news.checkpoints[e.seq] for e in approvals if e.seq in news.checkpoints]
    top = [section(clip(title, SECTION_CHARS))]
    top += [block for c in kept for block in render_tree.approval_checkpoint(c)]
    laid = reply(title, lines, first=top)
    whole = laid.pages == 1
    if whole and (len(events) == 1 or not approvals):
        return laid
    first, asks = events[0], []
    if not whole and not (len(events) == 1 and approvals):
        asks.append((("log", "--since", str(first.seq - 1)), "Show all of it"))
    asks += [(("rfc", "show", e.subject), f"What {e.subject} changed") for e in approvals[:5]]
    whole_of = rq.ShowLog(since=first.seq - 1) if len(events) > 1 else rq.ShowRfc(rfc=first.subject)
    shown = laid.page(1)
    if not whole:
        shown = shown.with_note(
            f"This message shows part of it; `/milestone {' '.join(asks[0][0])}` shows all of it."
        )
    more = more_buttons([(PageRequest(words, 1, news.head), label) for words, label in asks])
    return shown.with_blocks(*web_link(web_url(web, web_path(whole_of))), *more)
