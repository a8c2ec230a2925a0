"""Signing many event hashes at once, on every core: the signing limit of a big import.

Ed25519 signing holds the GIL (about 60 us an event here), so threads do not
help; worker processes each load the key once and sign chunks of hashes. An
interactive command signs a handful and never starts a worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from events import signed_message

if TYPE_CHECKING:
    from ledger.signing import Signer

#: Fewer hashes than this are signed in this process: starting workers costs more.
PARALLEL_FROM = 2048
#: How a big batch is cut: about this many chunks per worker, none smaller than `CHUNK_MIN`.
CHUNKS_PER_WORKER = 6
CHUNK_MIN = 256

_key: Any = None  # the worker's private key, loaded once by `_load`


def sign_all(signer: Signer, hashes: Sequence[bytes]) -> Callable[[], list[bytes]]:
    """Start signing `hashes`; the returned function waits for the signatures, in order.

    The caller can do other work before calling it (the workers sign meanwhile).
    """
    chunks = sign_in_chunks(signer, hashes)

    def wait() -> list[bytes]:
        return [signature for chunk in chunks for signature in chunk]

    return wait


def sign_in_chunks(signer: Signer, hashes: Sequence[bytes]) -> Iterator[list[bytes]]:
    """Start signing `hashes`; the returned iterator yields the signatures in order, a
    chunk at a time, each as soon as it is made (so the caller can store the first
    chunks while the workers sign the rest). Iterate it once."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if len(hashes) < PARALLEL_FROM or workers < 2:
        return iter([[signer.sign(hash_) for hash_ in hashes]])
    from ledger.verify_parallel import start_method

    pool = ProcessPoolExecutor(
        workers, mp_context=start_method(), initializer=_load, initargs=(signer.private_raw(),)
    )
    # Small enough chunks that the first come back early, large enough that shipping
    # them costs little beside signing them.
    size = max(CHUNK_MIN, -(-len(hashes) // (workers * CHUNKS_PER_WORKER)))
    futures: list[Future[list[bytes]]] = [
        pool.submit(_sign_chunk, list(hashes[i : i + size])) for i in range(0, len(hashes), size)
    ]
    pool.shutdown(wait=False)
    return (future.result() for future in futures)


def _load(private_raw: bytes) -> None:
    global _key
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _key = Ed25519PrivateKey.from_private_bytes(private_raw)


def _sign_chunk(hashes: list[bytes]) -> list[bytes]:
    return [_key.sign(signed_message(hash_)) for hash_ in hashes]
