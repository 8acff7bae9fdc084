"""The one lifecycle type of the emulated resources: status now, windows, switches and the timeline across them."""

from __future__ import annotations

from airflow_provider_modelarts.emulator.state import Lifecycle


def test_status_follows_the_steps_then_the_final_status() -> None:
    life = Lifecycle([("creating", 2.0), ("running", 3.0)], "done", 100.0)
    assert [life.status(100.0 + t) for t in (0, 1.9, 2, 4.9, 5, 50)] == [
        "creating", "creating", "running", "running", "done", "done"]
    assert life.finished_at() == 105.0
    assert life.is_final(105.0) and not life.is_final(104.9)
    assert life.created == 100.0 and life.switched_at is None


def test_a_stuck_lifecycle_stays_in_its_last_step() -> None:
    life = Lifecycle([("creating", 2.0), ("running", 3.0)], None, 0.0)
    assert life.status(1_000.0) == "running"
    assert life.finished_at() is None and not life.is_final(1_000.0)
    assert life.step_window(1_000.0) == (2.0, 3.0)


def test_step_window_is_the_step_shown_now() -> None:
    life = Lifecycle([("a", 2.0), ("b", 3.0)], "c", 10.0)
    assert life.step_window(11.0) == (10.0, 2.0)
    assert life.step_window(13.0) == (12.0, 3.0)
    assert life.step_window(20.0) == (15.0, 0.0)


def test_stop_switches_the_path_and_the_timeline_keeps_what_was_shown() -> None:
    life = Lifecycle([("init", 1.0), ("running", 10.0)], "completed", 0.0)
    life.stop(4.0, "killing", 2.0, "killed")
    assert life.switched_at == 4.0
    assert life.created == 0.0 and life.started == 4.0
    assert [life.status(t) for t in (4.0, 5.9, 6.0)] == ["killing", "killing", "killed"]
    assert life.timeline(3.0) == [(0.0, "init"), (1.0, "running")]
    assert life.timeline(10.0) == [(0.0, "init"), (1.0, "running"), (4.0, "killing"), (6.0, "killed")]
