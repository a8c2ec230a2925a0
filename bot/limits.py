"""Slack's limits on a message, and a check that a payload keeps to them.

The numbers are Slack's documented ones (Block Kit reference, chat.postMessage),
except `BLOCKS_TOTAL`: Slack refuses a message whose blocks are too long in
all (`msg_blocks_too_long`) at a cumulative size it does not document. Slack's
engineers put it at about 12,000 characters of text "with a buffer for block
containers" (slackapi/bolt-js#2509, where messages were refused from about
13,200); we hold the whole serialised `blocks` array, containers included, to
12,000 characters, which is under any reading of that limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: A section's text, and each of a section's fields (at most `SECTION_FIELDS` of them).
SECTION_TEXT = 3000
FIELD_TEXT = 2000
SECTION_FIELDS = 10
#: Blocks in one message (modals and the App Home allow 100; messages 50).
BLOCKS = 50
#: The serialised `blocks` of one message (see the module's docstring).
BLOCKS_TOTAL = 12_000
#: A message's top-level `text`: chat.postMessage truncates longer text.
MESSAGE_TEXT = 40_000
#: Elements of a context block, and of an actions block.
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
#: Any text object (a context element's mrkdwn, say) outside the cases above.
TEXT_OBJECT = 3000
#: A button: its label, its value (what the click sends back), its link, its action_id.
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
ACTION_ID = 255
#: A confirmation dialog: title, text, and the labels of its two buttons.
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30


def problems(message: Mapping[str, Any]) -> list[str]:
    """Every way `message` (a payload for chat.postMessage or a response) breaks a limit."""
    found: list[str] = []
    text = message.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        found.append(f"text is {len(text)} characters (limit {MESSAGE_TEXT})")
    blocks = message.get("blocks") or []
    if len(blocks) > BLOCKS:
        found.append(f"{len(blocks)} blocks (limit {BLOCKS})")
    total = len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")))
    if total > BLOCKS_TOTAL:
        found.append(f"blocks are {total} characters in all (limit {BLOCKS_TOTAL})")
    for number, block in enumerate(blocks, 1):
        found.extend(f"block {number}: {problem}" for problem in _block(block))
    return found


def _long(what: str, text: object, limit: int) -> list[str]:
    size = len(text) if isinstance(text, str) else 0
    return [f"{what} is {size} characters (limit {limit})"] if size > limit else []


def _block(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "section":
        found = _long("section text", (block.get("text") or {}).get("text"), SECTION_TEXT)
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS:
            found.append(f"{len(fields)} fields (limit {SECTION_FIELDS})")
        for field in fields:
            found += _long("a field", field.get("text"), FIELD_TEXT)
        return found
    if kind == "context":
        elements = block.get("elements") or []
        found = []
        if len(elements) > CONTEXT_ELEMENTS:
            found.append(f"{len(elements)} context elements (limit {CONTEXT_ELEMENTS})")
        for element in elements:
            found += _long("a context element", element.get("text"), TEXT_OBJECT)
        return found
    if kind == "actions":
        elements = block.get("elements") or []
        found = []
        if len(elements) > ACTIONS_ELEMENTS:
            found.append(f"{len(elements)} actions (limit {ACTIONS_ELEMENTS})")
        for element in elements:
            found += _button(element)
        return found
    return []


def _button(button: Mapping[str, Any]) -> list[str]:
    found = _long("a button label", (button.get("text") or {}).get("text"), BUTTON_TEXT)
    found += _long("a button value", button.get("value"), BUTTON_VALUE)
    found += _long("a button url", button.get("url"), BUTTON_URL)
    found += _long("an action_id", button.get("action_id"), ACTION_ID)
    confirm = button.get("confirm")
    if confirm:
        found += _long("a confirm title", confirm["title"]["text"], CONFIRM_TITLE)
        found += _long("a confirm text", confirm["text"]["text"], CONFIRM_TEXT)
        found += _long("a confirm label", confirm["confirm"]["text"], CONFIRM_BUTTON)
        found += _long("a deny label", confirm["deny"]["text"], CONFIRM_BUTTON)
    return found
