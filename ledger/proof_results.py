"""Results about the ledger's Merkle tree: checkpoints, proofs, checks and cosignatures.

Like `ledger.results`, one class per kind of answer, rendered by type; kept
apart so that a plan or log read loads none of this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.frozen import frozen_type
from ledger.results import Result

if TYPE_CHECKING:
    from ledger.proof_check import ProofCheck
    from ledger.proof_file import Proof
    from ledger.proving import CheckpointInfo
    from ledger.witness import Cosigned


@frozen_type
class CheckpointResult(Result):
    """One checkpoint: signed now, or kept from an RFC's approval."""

    checkpoint: CheckpointInfo

    @property
    def content(self) -> CheckpointInfo:
        """The checkpoint and its note."""
        return self.checkpoint


@frozen_type
class KeyLineResult(Result):
    """The verifier key that checks checkpoints a key signs for this ledger."""

    key_line: str
    origin: str

    @property
    def content(self) -> dict[str, str]:
        """The key line and the origin it signs for."""
        return {"key_line": self.key_line, "origin": self.origin}


@frozen_type
class CheckpointListResult(Result):
    """The checkpoints kept from RFC approvals."""

    checkpoints: list[CheckpointInfo]

    @property
    def content(self) -> list[CheckpointInfo]:
        """The checkpoints, smallest first."""
        return self.checkpoints


@frozen_type
class ProofResult(Result):
    """An inclusion or consistency proof, as the file an auditor keeps."""

    proof: Proof

    @property
    def content(self) -> dict[str, Any]:
        """The proof as JSON data."""
        return self.proof.data()


@frozen_type
class ProofCheckResult(Result):
    """What a proof, checked offline, showed."""

    check: ProofCheck

    @property
    def content(self) -> ProofCheck:
        """The check."""
        return self.check


@frozen_type
class CosignResult(Result):
    """A checkpoint a witness has just cosigned."""

    cosigned: Cosigned

    @property
    def content(self) -> Cosigned:
        """The cosigned note and who cosigned it."""
        return self.cosigned
