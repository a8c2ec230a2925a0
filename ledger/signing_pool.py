"""Signing many event hashes at once, on every core: the signing limit of a big import.

Ed25519 signing holds the GIL (about 60 us an event here), so threads do not
help; worker processes each load the key once and sign chunks of hashes. An
interactive command signs a handful and never starts a worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from events import signed_message

if TYPE_CHECKING:
    from ledger.signing import Signer

#: Fewer hashes than this are signed in this process: starting workers costs more.
PARALLEL_FROM = 2048

_key: Any = None  # the worker's private key, loaded once by `_load`


def sign_all(signer: Signer, hashes: Sequence[bytes]) -> Callable[[], list[bytes]]:
    """Start signing `hashes`; the returned function waits for the signatures, in order.

    The caller can do other work before calling it (the workers sign meanwhile).
    """
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if len(hashes) < PARALLEL_FROM or workers < 2:
        signatures = [signer.sign(hash_) for hash_ in hashes]
        return lambda: signatures
    from ledger.verify_parallel import start_method

    pool = ProcessPoolExecutor(
        workers, mp_context=start_method(), initializer=_load, initargs=(signer.private_raw(),)
    )
    size = -(-len(hashes) // (workers * 2))
    futures: list[Future[list[bytes]]] = [
        pool.submit(_sign_chunk, list(hashes[i : i + size])) for i in range(0, len(hashes), size)
    ]
    pool.shutdown(wait=False)

    def wait() -> list[bytes]:
        return [signature for future in futures for signature in future.result()]

    return wait


def _load(private_raw: bytes) -> None:
    global _key
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _key = Ed25519PrivateKey.from_private_bytes(private_raw)


def _sign_chunk(hashes: list[bytes]) -> list[bytes]:
    return [_key.sign(signed_message(hash_)) for hash_ in hashes]
