"""Where `ledger.queries` still finds two checks it shares with the changes.

The commands themselves are now requests (`ledger.requests`), decided by pure
functions (`ledger.decisions`) and recorded by one append path
(`ledger.execute`); input checks live in `ledger.checks` and the rules of the
plan in `ledger.rules`. This module only re-exports what `ledger/queries.py`
imports from here, until it imports them from their homes.
"""

from ledger.checks import check_rfc_id
from ledger.rules import find_milestone

__all__ = ["check_rfc_id", "find_milestone"]
