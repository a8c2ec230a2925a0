"""Decisions: what each change records, as pure functions of the state and the request.

`decide(state, request, *, today) -> list[Draft]` looks at the plan (with an
open RFC's proposals applied, when the change is made under one), refuses
with a typed error or returns the facts to record. It opens no database and
checks no role or RFC: `ledger.execute` does that, from the request's needs,
before it asks the decision.
"""
