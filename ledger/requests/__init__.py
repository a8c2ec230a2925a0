"""Requests: one frozen, typed class per command, and the table of those the grammar offers.

`GRAMMAR` lists, in the order help shows them, the requests both front ends
parse from words (`ledger.grammar`); the others are made by one front end
only (a terminal reading a key or document file, the bot's approval preview).
"""

from ledger.requests.admin import (
    AddKey,
    ApproveRfc,
    GrantRole,
    ImportRevision,
    OpenRfc,
    RejectRfc,
    RevokeKey,
    RevokeRole,
)
from ledger.requests.base import Change, Needs, Read, Request, Spec
from ledger.requests.milestones import (
    CompleteMilestone,
    DefineMilestone,
    LinkMilestone,
    MoveMilestone,
    RenameMilestone,
    ReopenMilestone,
    RetitleMilestone,
    UnlinkMilestone,
    WithdrawMilestone,
)
from ledger.requests.reads import (
    CheckPlan,
    DiffPlans,
    ListKeys,
    ListLate,
    ListRfcs,
    ListUpcoming,
    PreviewApproval,
    ShowHistory,
    ShowLog,
    ShowMilestone,
    ShowPlan,
    ShowRfc,
    VerifyLedger,
)

GRAMMAR: tuple[type[Request], ...] = (
    # reads
    ShowPlan,
    ShowMilestone,
    ShowHistory,
    ShowLog,
    DiffPlans,
    ListLate,
    ListUpcoming,
    CheckPlan,
    VerifyLedger,
    ShowRfc,
    ListRfcs,
    # changes
    DefineMilestone,
    MoveMilestone,
    CompleteMilestone,
    ReopenMilestone,
    RetitleMilestone,
    LinkMilestone,
    UnlinkMilestone,
    WithdrawMilestone,
    RenameMilestone,
    OpenRfc,
    ApproveRfc,
    RejectRfc,
    GrantRole,
    RevokeRole,
    RevokeKey,
)

__all__ = [
    "GRAMMAR",
    "AddKey",
    "ApproveRfc",
    "Change",
    "CheckPlan",
    "CompleteMilestone",
    "DefineMilestone",
    "DiffPlans",
    "GrantRole",
    "ImportRevision",
    "LinkMilestone",
    "ListKeys",
    "ListLate",
    "ListRfcs",
    "ListUpcoming",
    "MoveMilestone",
    "Needs",
    "OpenRfc",
    "PreviewApproval",
    "Read",
    "RejectRfc",
    "RenameMilestone",
    "ReopenMilestone",
    "Request",
    "RetitleMilestone",
    "RevokeKey",
    "RevokeRole",
    "ShowHistory",
    "ShowLog",
    "ShowMilestone",
    "ShowPlan",
    "ShowRfc",
    "Spec",
    "UnlinkMilestone",
    "VerifyLedger",
    "WithdrawMilestone",
]
