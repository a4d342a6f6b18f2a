"""The smoke load test: two gunicorn servers sharing PostgreSQL and Redis, 20 Locust users for
30 s, and nothing acknowledged is lost (run by CI; needs the services of .ci/services.sh)."""

from __future__ import annotations

import pytest

from bench import loadtest


@pytest.mark.slow
def test_two_servers_under_load_lose_nothing_acknowledged():
    rows, result = loadtest.run(20, "30s", trainees=40)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    # the count depends on the machine (a shared 2-core one serves a few a second)
    assert int(total["Request Count"]) > 20
    assert int(total["Failure Count"]) == 0, rows
    assert sum(result["acknowledged"].values()) > 0
    assert not loadtest.lost(result), result
