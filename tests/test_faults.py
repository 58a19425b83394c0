"""Fault tests: Redis killed during a burst of orders, a worker killed mid-render,
PostgreSQL stopped under load, a webhook receiver that hangs (``bench/faults.py``).

They run the bench's quick run once, in its own process, on private services it starts
and stops (a PostgreSQL cluster and a Redis server on free ports, gunicorn, workers):
the shared database and Redis are never touched. Each test reads one scenario's counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from . import faults

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(faults.available() is not None, reason=str(faults.available())),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "faults.json"
    completed = subprocess.run(
        [sys.executable, "bench/faults.py", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    print(completed.stdout[-6000:], completed.stderr[-6000:])  # shown when a test fails
    assert out.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    return json.loads(out.read_text()), completed.stdout


def test_redis_killed_during_a_burst_loses_no_order_email_or_webhook(run):
    results, output = run
    redis = results["redis"]
    assert redis["problems"] == [], output
    total = redis["orders"]
    assert redis["answers"] == {"201": total}  # every answer clean, no 5xx
    assert redis["answers_by_phase"]["down"]  # orders were placed while Redis was gone
    assert redis["saved"] == total
    assert redis["emails_once"] == total and redis["emails_duplicated"] == 0
    assert redis["webhooks_once"] == total and redis["webhook_ids_answered_twice"] == 0
    assert "redis: PASS" in output


def test_a_worker_killed_mid_task_is_replaced_without_duplicates(run):
    results, output = run
    kill = results["worker-kill"]
    assert kill["problems"] == [], output
    assert kill["killed_mid_render"] is True
    assert kill["victim_final"]["attempts"] >= 2  # run again by the other worker
    assert kill["documents_ready"] == kill["documents"] == kill["pdf_files_total"]
    assert kill["invoices"] == kill["orders"] and kill["invoice_numbers_gapless"]
    assert kill["emails_per_order"] == [1]
    assert kill["webhook_ids_answered_twice"] == 0


def test_postgres_restarted_under_load_fails_fast_with_503_and_recovers(run):
    results, output = run
    pg = results["postgres"]
    assert pg["problems"] == [], output
    assert pg["answers_503"] > 0 and pg["answers_5xx_other"] == 0
    assert pg["bad_bodies"] == 0  # JSON error per API.md, or the friendly page
    assert pg["slowest_503_ms"] < 3000
    assert pg["failures_after_recovery"] == 0 and pg["gunicorn_not_restarted"]
    assert pg["orders_saved"] == pg["orders_placed"]


def test_a_hanging_webhook_receiver_does_not_slow_order_intake(run):
    results, output = run
    hang = results["webhook-hang"]
    assert hang["problems"] == [], output
    assert hang["deliveries_timed_out"] > 0
    for mode in ("hang", "slow"):
        assert hang["phases"][mode]["emails_sent"]
