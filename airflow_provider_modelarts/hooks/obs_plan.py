"""How one OBS transfer is cut: one request, or parts of a size and a thread count chosen from the file size.

Pure: no I/O, no SDK. The limits are OBS's (``InitiateMultipartUpload``/``UploadPart`` in the OBS API reference,
mirrored by esdk-obs-python's ``const.DEFAULT_MINIMUM_SIZE``/``DEFAULT_MAXIMUM_SIZE``): a part is 100 KiB to
5 GiB and an upload has at most 10,000 parts. The defaults below were chosen from the measurements recorded in
``docs/benchmarks.md`` (OBS section).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MiB = 1024 * 1024
GiB = 1024 * MiB
#: OBS part size limits and part count limit.
MIN_PART_SIZE = 100 * 1024
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
#: Automatic plans: parts of this size (raised for files over 10,000 of them) and at most this many threads. On
#: the loopback server of the benchmark, larger parts cost the server more CPU per byte (32 MiB parts: ~25 % more
#: than 8 MiB ones) and more threads than 4 bought nothing; s3transfer's default chunk is 8 MiB as well.
AUTO_PART_SIZE = 8 * MiB
AUTO_MAX_THREADS = 4


@dataclass(frozen=True)
class TransferPlan:
    """How one file moves.

    :param size: bytes of the file.
    :param part_size: bytes of every part but the last (the whole size when not multipart).
    :param threads: parts moved at once (1 when not multipart).
    :param multipart: whether parts are used (else one PUT or GET).
    """

    size: int
    part_size: int
    threads: int
    multipart: bool

    @property
    def parts(self) -> int:
        """Number of parts (1 for a single request, also for an empty file)."""
        return max(1, math.ceil(self.size / self.part_size)) if self.multipart else 1

    def part(self, number: int) -> tuple[int, int]:
        """``(offset, length)`` of part ``number`` (1-based).

        :param number: the part number, 1..:attr:`parts`.
        """
        if not 1 <= number <= self.parts:
            raise ValueError(f"part number {number} is outside 1..{self.parts}")
        offset = (number - 1) * self.part_size
        return offset, min(self.part_size, self.size - offset)


def plan_transfer(size: int, threshold: int, part_size: int | None = None, threads: int | None = None) -> TransferPlan:
    """The plan for a file of ``size`` bytes.

    Up to ``threshold`` bytes: one request. Above: parts of ``part_size`` (default :data:`AUTO_PART_SIZE`),
    raised (to a whole MiB) when needed so that no more than :data:`MAX_PARTS` parts are used, moved by
    ``threads`` threads (default: one per part, at most :data:`AUTO_MAX_THREADS`).

    :param size: file size in bytes (>= 0).
    :param threshold: the largest size moved in one request.
    :param part_size: an explicit part size (clamped to the OBS limits), or None for the automatic one.
    :param threads: an explicit thread count, or None for the automatic one.
    """
    if size < 0 or threshold < 0:
        raise ValueError("size and threshold must be >= 0")
    if size <= threshold:
        return TransferPlan(size, max(size, 1), 1, False)
    if part_size is None:
        part_size = max(AUTO_PART_SIZE, math.ceil(size / MAX_PARTS / MiB) * MiB)
    part_size = min(max(part_size, MIN_PART_SIZE, math.ceil(size / MAX_PARTS)), MAX_PART_SIZE)
    parts = math.ceil(size / part_size)
    if threads is None:
        threads = AUTO_MAX_THREADS
    return TransferPlan(size, part_size, max(1, min(threads, parts)), True)
