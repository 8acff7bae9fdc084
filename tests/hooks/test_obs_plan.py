"""The size -> (one request | parts, part size, threads) plan of OBS transfers (pure)."""

from __future__ import annotations

import pytest

from airflow_provider_modelarts.hooks.obs_plan import (
    AUTO_MAX_THREADS,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIN_PART_SIZE,
    MiB,
    plan_transfer,
)

GiB = 1024 * MiB


def test_up_to_the_threshold_is_one_request() -> None:
    for size in (0, 1, 64 * MiB):
        plan = plan_transfer(size, 64 * MiB)
        assert not plan.multipart and plan.parts == 1 and plan.threads == 1
    assert plan_transfer(64 * MiB + 1, 64 * MiB).multipart


@pytest.mark.parametrize(("size", "part_size", "threads"), [
    (64 * MiB + 1, 8 * MiB, AUTO_MAX_THREADS),
    (256 * MiB, 8 * MiB, AUTO_MAX_THREADS),
    (100 * GiB, 11 * MiB, AUTO_MAX_THREADS),  # 8 MiB parts would be 12,800 parts: raised to a MiB above 1/10,000
])
def test_automatic_part_size_and_threads_follow_the_size(size: int, part_size: int, threads: int) -> None:
    plan = plan_transfer(size, 64 * MiB)
    assert (plan.part_size, plan.threads) == (part_size, threads)
    assert plan.parts * plan.part_size >= size > (plan.parts - 1) * plan.part_size


def test_few_parts_get_one_thread_each_and_explicit_values_are_clamped() -> None:
    assert plan_transfer(10 * MiB, 0).threads == 2  # two parts of the 8 MiB minimum
    assert plan_transfer(10 * MiB, 0, part_size=1).part_size == MIN_PART_SIZE
    assert plan_transfer(100 * GiB, 0, part_size=100 * GiB).part_size == MAX_PART_SIZE
    huge = plan_transfer(MAX_PARTS * MiB * 2, 0, part_size=MiB)  # 1 MiB parts would need 20,000 parts
    assert huge.parts <= MAX_PARTS
    assert plan_transfer(100 * MiB, 0, part_size=MiB, threads=16).threads == 16


def test_parts_cover_the_file_exactly_once() -> None:
    plan = plan_transfer(10 * MiB + 5, 0, part_size=3 * MiB)
    spans = [plan.part(n) for n in range(1, plan.parts + 1)]
    assert spans[0] == (0, 3 * MiB) and spans[-1] == (9 * MiB, MiB + 5)
    assert sum(length for _, length in spans) == 10 * MiB + 5
    assert all(a + la == b for (a, la), (b, _) in zip(spans, spans[1:], strict=False))
    with pytest.raises(ValueError, match="outside"):
        plan.part(plan.parts + 1)
    with pytest.raises(ValueError, match=">= 0"):
        plan_transfer(-1, 0)
