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

from bot.blocks import Reply, code, escape, who
from bot.entries import about
from bot.links import web_link, web_url
from bot.more import PageRequest, more_button
from bot.pages import reply
from ledger import queries
from ledger.describe import describe
from ledger.results import IMPORT_COUNTS

if TYPE_CHECKING:
    from ledger.ledger import Ledger
    from ledger.queries import Entry
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


def gather(ledger: Ledger, events: Sequence[Recorded]) -> News:
    """The news of `events`, read from the ledger as it is now."""
    state = ledger.state()
    titles: dict[str, str] = {}
    for event in events:
        name = _named(event)
        if name is None:
            continue
        rfc = state.rfcs.get(name)
        resolved = state.resolve(name) if rfc is None else None
        if rfc is not None:
            titles[name] = rfc.title
        elif resolved is not None:
            titles[name] = state.milestones[resolved].title
    took_effect = {
        e.seq: queries.rfc_show(ledger, e.subject).changes
        for e in events
        if e.type == "rfc.approved" and e.subject in state.rfcs
    }
    states = {rfc_id: rfc.state for rfc_id, rfc in state.rfcs.items()}
    return News(events, states, titles, took_effect, ledger.length)


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
    summary = escape(about(event.subject, describe(event)))
    name = _named(event)
    if name is None or name not in titles:
        return summary
    alone = re.compile(rf"(?<![\w-]){re.escape(escape(name))}(?![\w-])")
    title = escape(titles[name])
    if event.type.startswith("rfc."):
        title = f"“{title}”"
    return alone.sub(lambda found: f"{found.group(0)} {title}", summary, count=1)


def event_line(event: Recorded, news: News) -> str:
    """One event: who, what (titled), under which RFC, and its number."""
    note = ""
    if event.rfc and news.rfc_states.get(event.rfc) == "open":
        note = f" _(proposed under {code(event.rfc)}: takes effect when it is approved)_"
    elif event.rfc:
        note = f" (under {code(event.rfc)})"
    return f"{who(event.actor)} {titled(event, news.titles)}{note} `#{event.seq}`"


def _effect_line(entry: Entry) -> str:
    # No `#n` code span here: that marks the events this message announces.
    summary = escape(about(entry.subject, entry.summary))
    return f"{_INDENT}↳ {summary} (#{entry.seq})"


def _effects(event: Recorded, news: News, listed: set[int]) -> list[str]:
    changes = news.took_effect.get(event.seq)
    if changes is None:
        return []
    lines = [f"{_INDENT}{len(changes)} change(s) took effect with it:"]
    elsewhere = [e for e in changes if e.seq not in listed]
    lines += [_effect_line(e) for e in elsewhere]
    if len(elsewhere) < len(changes):
        lines.append(f"{_INDENT}({len(changes) - len(elsewhere)} of them are in this message)")
    return lines


def _summary(events: Sequence[Recorded]) -> str:
    kinds = Counter(IMPORT_COUNTS.get(e.type, e.type).replace("_", " ") for e in events)
    return ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())


def announcement(news: News, *, web: str | None = None) -> Reply:
    """The channel message for `news`: one page, with a button to all of it if it is long."""
    events = news.events
    listed = {e.seq for e in events}
    lines: list[str] = []
    for event in events:
        lines.append(event_line(event, news))
        lines += _effects(event, news, listed)
    if len(events) == 1:
        title, lines = lines[0], lines[1:]
    else:
        actors = ", ".join(dict.fromkeys(who(e.actor) for e in events))
        title = (
            f"*{len(events)} changes* by {actors} (#{events[0].seq} to #{events[-1].seq}): "
            f"{escape(_summary(events))}"
        )
    laid = reply(title, lines)
    if laid.pages == 1:
        return laid
    first = events[0]
    if len(events) == 1 and first.type == "rfc.approved":
        words, path = ["rfc", "show", first.subject], f"/rfc/{first.subject}"
    else:
        words, path = ["log", "--since", str(first.seq - 1)], f"/log?since={first.seq - 1}"
    button = more_button(PageRequest(tuple(words), 1, news.head), 1, label="Show all of it")
    shown = laid.page(1).with_note(
        f"This message shows part of it; `/milestone {' '.join(words)}` shows all of it."
    )
    shown = shown.with_blocks(*web_link(web_url(web, path)))
    return shown.with_blocks(button) if button is not None else shown
