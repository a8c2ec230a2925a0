"""Report data computed from plan states: burndown, Gantt, slip, celebrate, dependency graph.

Each module holds one report: a pure, keyword-only function from one or two `PlanState`s to
frozen dataclasses. They never open a store, never draw and never print, so the same data
feeds the CLI, the Slack bot and the renderers in `ledger.charts`.
"""
