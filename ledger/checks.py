"""Input checks: is what someone typed a code, a title, an RFC id, a role, a date?

Each check trims and normalises a value or raises `InvalidInput` saying what
would be right. They look at the input alone, never at the plan, so requests
run them when they are built (`ledger.requests`), before any database is
opened. Whether the plan allows a change is for `ledger.rules` and the
decisions.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ledger.errors import InvalidInput

ROLES = ("editor", "approver", "admin")
MAX_TITLE = 300
MAX_REASON = 500
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_RFC_ID = re.compile(r"^RFC-\d{1,9}$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_ACTOR = re.compile(r"^[^\s\x00-\x1f\x7f]{1,200}$")
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


def check_code(code: str, *, what: str = "milestone code") -> str:
    """A milestone code, trimmed; refused if empty, too long or oddly spelled."""
    rule = (
        "use letters, digits and - . _ / (at most 64, starting with a letter or digit), "
        "e.g. DM-AP-18 or LDM-503-11a"
    )
    return _spelled(code, _CODE, what=what, rule=rule)


def _spelled(value: str, pattern: re.Pattern[str], *, what: str, rule: str) -> str:
    """`value` trimmed, if `pattern` matches it; else refused, saying the `rule` it breaks."""
    value = value.strip()
    if not pattern.match(value):
        raise InvalidInput(f"{what} {value!r} is not valid: {rule}")
    return value


def check_text(text: str, *, what: str, limit: int) -> str:
    """Free text (a title or reason), trimmed; no control characters, not empty, not too long."""
    text = " ".join(text.split()) if "\n" not in text and "\r" not in text else text.strip()
    if not text:
        raise InvalidInput(f"the {what} is empty; give a few words")
    bad = [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")]
    if bad:
        raise InvalidInput(
            f"the {what} contains a control character ({bad[0]!r}); write it on one line "
            "of plain text"
        )
    if len(text) > limit:
        raise InvalidInput(f"the {what} is {len(text)} characters long; keep it to {limit}")
    return text


def check_rfc_id(rfc_id: str) -> str:
    """An RFC id such as RFC-781 (case-insensitive in, upper-case out)."""
    normal = rfc_id.strip().upper()
    if not _RFC_ID.match(normal):
        raise InvalidInput(f"{rfc_id!r} is not an RFC id; write it as RFC-<number>, e.g. RFC-781")
    return normal


def check_version(version: str) -> str:
    """A document version label such as 1.5 (a leading v is dropped)."""
    label = version.strip().removeprefix("v").removeprefix("V")
    if not _VERSION.match(label):
        raise InvalidInput(f"version label {version!r} is not valid; use numbers such as 1.5")
    return label


def check_actor(actor: str) -> str:
    """An actor name: no spaces or control characters, at most 200 characters."""
    rule = "one word without spaces, e.g. alice or slack:T024BE7LD/U012AB3CD"
    return _spelled(actor, _ACTOR, what="actor", rule=rule)


def check_role(role: str) -> str:
    """One of the ledger's roles."""
    role = role.strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"{role!r} is not a role; roles are {', '.join(ROLES)}")
    return role


#: The largest count or log position a command takes: SQLite's and PostgreSQL's bigint.
MAX_COUNT = 2**63 - 1


def check_count(
    value: int | None, *, what: str, least: int = 0, most: int = MAX_COUNT
) -> int | None:
    """A whole number a command counts with (a seq, a limit, days), within its bounds."""
    if value is None:
        return None
    if not least <= value <= most:
        raise InvalidInput(f"{what} takes a whole number from {least} to {most}, not {value}")
    return value


def check_key_id(key_id: str) -> str:
    """A key id as the ledger spells it: trimmed, lower-case (whether it exists is the plan's)."""
    return key_id.strip().lower()


def check_event_type(text: str | None) -> str | None:
    """An event type (`milestone.completed`) or a family of them (`milestone` or
    `milestone.`), as `log --type` filters by; anything else is refused, listing the types."""
    if text is None:
        return None
    # Imported here: the catalogue loads pydantic, which only a --type filter needs.
    from events import FACTS

    wanted = text.strip()
    families = sorted({name.split(".")[0] for name in FACTS})
    if wanted in FACTS or wanted.removesuffix(".") in families:
        return wanted
    raise InvalidInput(
        f"{wanted!r} is not an event type; give a family ({', '.join(f + '.' for f in families)}) "
        f"or a type: {', '.join(sorted(FACTS))}"
    )


def looks_like_date(value: object) -> bool:
    """Whether `value` is a date or written as one (YYYY-MM-DD), real or not."""
    return isinstance(value, date) or (isinstance(value, str) and bool(_ISO_DATE.match(value)))


def check_date(value: date | str | None, *, what: str) -> date | None:
    """A date given as a `date` or as ISO text (`YYYY-MM-DD`); None stays None."""
    if value is None or isinstance(value, date):
        return value
    # Imported here: `ledger.asof` brings the event catalogue, which a request need not load.
    from ledger.asof import parse_date

    return parse_date(value, what=what)
