"""Two `pond serve` processes on one PostgreSQL database run a broadcast and a journey together: the job queue's
leases (`FOR UPDATE SKIP LOCKED`) let both take the slices, steps and hand-overs, and every message is still decided
once and delivered once. Each node counts the jobs it finished (`pond_jobs_completed_total` on /metrics), which
shows that both did some of the work.
"""

from __future__ import annotations

import dataclasses
import re
import time

import pytest
import requests

from pondtest import (count_by, decisions, journey_totals, ok, prepare_journey, sandbox_deliveries, seed_customers,
                      unique, wait_until)

CUSTOMERS = 200
# One broadcast message and the journey's two sends per customer.
MESSAGES_PER_CUSTOMER = 3

COMPLETED = re.compile(r'^pond_jobs_completed_total\{kind="([^"]+)"\} ([0-9.e+]+)$', re.M)


def completed_jobs(server) -> dict:
    """The jobs a node finished, by kind, from its /metrics."""
    text = requests.get(server.base_url + "/metrics", timeout=10).text
    return {kind: int(float(value)) for kind, value in COMPLETED.findall(text)}


def test_two_nodes_share_a_broadcast_and_a_journey(backend, server_factory):
    if backend != "postgres":
        pytest.skip("several nodes share a database on PostgreSQL only")
    database = server_factory.database(backend)
    first = server_factory.start(database, "postgres-node-1")
    second = server_factory.start(database, "postgres-node-2")
    ws = first.create_workspace("two nodes")
    on_second = dataclasses.replace(ws, server=second)
    profiles = seed_customers(ws, unique("tn"), CUSTOMERS)
    phones = [f"139{i:08d}" for i in range(CUSTOMERS)]

    # Defined through one node, read through the other: the definitions live in the shared database.
    prepare_journey(ws, "care")
    ok(ws.admin("POST", "/api/v1/segments", {"id": "all", "name": "全部", "kind": "static"}), 201)
    upload = ws._session.post(
        ws.base_url + "/api/v1/segments/all/members/import", params={"mode": "append"},
        data=("phone\r\n" + "\r\n".join(phones) + "\r\n").encode(),
        headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": "text/csv; charset=utf-8"}, timeout=120)
    assert upload.status_code == 200, upload.text
    assert upload.json()["memberCount"] == CUSTOMERS
    assert ok(on_second.admin_get("/api/v1/journeys/care"))["status"] == "active"

    began = time.monotonic()
    ok(ws.admin("POST", "/api/v1/broadcasts", {"id": "b", "name": "积分到期", "segmentId": "all",
                                               "templateId": "notice", "channel": "sandbox"}), 201)
    report = ok(ws.admin("POST", "/api/v1/journeys/care/entries", {"profiles": profiles, "requestKey": "two-nodes"}))
    assert report["entered"] == CUSTOMERS, report

    def journey_done():
        totals = journey_totals(on_second, "care")
        return totals["exited"] == CUSTOMERS and totals["messagesBy"].get(("delivered", None), 0) == CUSTOMERS * 2

    wait_until(journey_done, 180, "every journey run exiting with both messages delivered", interval=0.5)
    wait_until(lambda: ok(on_second.admin_get("/api/v1/broadcasts/b"))["report"]["byStatus"]["delivered"] == CUSTOMERS,
               120, "every broadcast message delivered", interval=0.5)
    elapsed = time.monotonic() - began

    logged = decisions(ws)
    by_key = count_by(logged, "idempotencyKey")
    twice = {key: n for key, n in by_key.items() if n != 1}
    assert not twice, f"{len(twice)} messages decided more than once, e.g. {sorted(twice.items())[:5]}"
    assert len(by_key) == CUSTOMERS * MESSAGES_PER_CUSTOMER
    assert count_by(logged, "decision") == {"send": CUSTOMERS * MESSAGES_PER_CUSTOMER}
    delivered = sandbox_deliveries(on_second)
    by_delivery = count_by(delivered, "idempotencyKey")
    again = {key: n for key, n in by_delivery.items() if n != 1}
    assert not again, f"{len(again)} messages delivered more than once, e.g. {sorted(again.items())[:5]}"
    assert set(by_delivery) == set(by_key)
    totals = journey_totals(ws, "care")
    assert totals["entered"] == CUSTOMERS and totals["exitedBy"] == {"completed": CUSTOMERS}, totals

    work = [completed_jobs(first), completed_jobs(second)]
    print(f"{CUSTOMERS} customers, {len(by_key)} messages in {elapsed:.1f} s; jobs finished per node: {work}")
    for node, counts in enumerate(work, start=1):
        # The entries were made through the first node, which hears of its own jobs at once; the second finds them
        # by polling the queue, and still takes its share of the hand-overs (one job each). Journey steps are claimed
        # 500 at a time, so one node may take all of this small journey's steps in one batch.
        assert counts.get("dispatch.deliver", 0) > 0, f"node {node} idle: {work}"
    assert sum(counts.get("journey.step", 0) for counts in work) > 0
    first.assert_healthy()
    second.assert_healthy()
