"""Looking at images a test was given: a PNG's size and how much of it is drawn on."""

from __future__ import annotations

import io
import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, read from its header; fails if `data` is not a PNG."""
    assert data[:8] == PNG_SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def inked(data: bytes) -> float:
    """The share of a PNG's pixels that are not white: a blank image has none."""
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")[..., :3]
    return float((pixels.min(axis=-1) < 0.95).mean())
