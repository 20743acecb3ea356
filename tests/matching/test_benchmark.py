"""The matching benchmark still runs and reports every figure (at a tiny size; timings are not asserted)."""

from __future__ import annotations

import json
import os

import pytest

from bench import exposure
from bench import matching as benchmark


def test_benchmark_json_has_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = benchmark.main(
        ["--requests", "200", "--mentors", "200", "--json", "--repeat", "1", "--loop-sample", "20"]
    )

    assert exit_code == 0
    report = json.loads(capsys.readouterr().out)
    phases = {"score_top_k", "explain", "assign_optimal", "assign_greedy", "compute_total"}
    assert set(report["seconds_best"]) == phases
    assert set(report["seconds_median"]) == phases
    assert {"total_score", "assigned"} <= set(report["optimal"])
    assert {"total_score", "assigned"} <= set(report["greedy"])
    assert report["optimal"]["total_score"] >= report["greedy"]["total_score"]
    assert set(report["memory"]) == {"tracemalloc_peak_mb", "rss_peak_above_start_mb"}
    assert report["python_loop"]["extrapolated"] is True
    assert report["python_loop"]["requests_timed"] == 20
    assert report["python_loop"]["agrees_with_engine"] is True
    assert "speedup" in report["python_loop"]
    assert "one_request_seconds" in report
    assert report["suggestions"] > 0
    assert "db" not in report


def test_benchmark_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert benchmark.main(["--requests", "30", "--mentors", "40", "--repeat", "1", "--loop-sample", "30"]) == 0
    output = capsys.readouterr().out
    assert "score + top k" in output
    assert "measured on 30 requests" in output
    assert "same results: yes" in output


def test_exposure_benchmark_reports_ties_and_exposure_before_and_after(capsys: pytest.CaptureFixture[str]) -> None:
    assert exposure.main(["--requests", "300", "--mentors", "300", "--prototypes", "20", "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert "load_average_1min" in report
    for section in (report, report["clones"]):
        before, after = section["before_ties_to_lower_id"], section["after_keyed_tie_order"]
        assert set(before) == set(after)
        assert {
            "spearman_id_exposure",
            "requests_with_a_tie_for_first",
            "alike_variance_to_mean",
            "mentors_with_an_identical_twin",
        } <= set(after)
    clones = report["clones"]
    assert clones["before_ties_to_lower_id"]["spearman_id_exposure"] < -0.3
    assert abs(clones["after_keyed_tie_order"]["spearman_id_exposure"]) < 0.2


def test_the_machine_check_reports_cores_between_none_and_all() -> None:
    from bench.machine import cores_available

    assert 0 < cores_available(0.05) <= (os.cpu_count() or 1) + 0.5


def test_the_machine_check_times_the_same_work_each_try() -> None:
    from bench.machine import _reference_work, describe, reference_ms

    assert _reference_work(1_000) == _reference_work(1_000) == 997 + 1_000
    assert 0 < reference_ms(tries=1, size=1_000) < reference_ms(tries=3, size=100_000)
    assert set(describe()) == {"cores_available", "reference_ms", "load_average_1min"}
