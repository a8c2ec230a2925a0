"""Checkpoints in Slack: an approval's announcement carries its checkpoint; checkpoint,
checkpoints and prove are answered in code blocks, signed by the bot's key."""

import html
import re

from bot_harness import announced
from slack_standin import buttons, message_text

from ledger.checkpoint import open_checkpoint
from ledger.proof_check import check_proof
from ledger.proof_file import parse_proof
from ledger.tlog import log_key, origin_of

pytest_plugins = ["bot_fixtures"]


def _code_block(text: str) -> str:
    """The first code block of a message, unescaped, as the note or proof a reader copies."""
    found = re.search(r"```(.*?)```", text, re.S)
    assert found, text
    return html.unescape(found.group(1)) + "\n"


def test_an_approval_is_announced_with_the_checkpoint_signed_at_it(served):
    served.sender.command('rfc open RFC-8 "Descope"')
    served.sender.command('withdraw DM-SQRE-3 --reason "descoped" --rfc RFC-8')
    button = buttons(served.sender.command("rfc approve RFC-8").json)["milestone_rfc_approve"]
    click = served.sender.click(button)
    served.slack.wait_for(lambda s: s.responses(click.response_name), what="the approval")
    approval = next(e for e in served.events() if e.type == "rfc.approved")

    [post] = served.slack.wait_for(announced(served, approval.seq), what="the approval")

    note = _code_block(message_text(post))
    key = log_key(ledger_id=served.ledger.ledger_id, public_key=served.bot_key.public_raw)
    head = open_checkpoint(note=note, verifiers=[key], origin=origin_of(served.ledger.ledger_id))
    assert head.size == approval.seq
    assert f"Checkpoint signed at this approval ({approval.seq} events)" in str(post["blocks"])


def test_checkpoint_and_prove_in_slack_are_signed_by_the_bots_key(served_sqlite):
    served = served_sqlite
    key = log_key(ledger_id=served.ledger.ledger_id, public_key=served.bot_key.public_raw)

    checkpoint = served.sender.command("checkpoint")
    proof = served.sender.command("prove 3")
    listed = served.sender.command("checkpoints")

    assert f"{served.count()} events" in checkpoint.text
    shown = parse_proof(_code_block(proof.text))
    assert check_proof(shown, keys=[key]).seq == 3
    assert "No checkpoints yet" in listed.text
    assert key.encode() in served.sender.command("checkpoint --key-line").text
