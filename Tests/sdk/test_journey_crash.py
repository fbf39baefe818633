"""A journey survives `kill -9` of the `pond serve` running it: restarted on the same database, every run resumes
where its last committed step left it and finishes exactly once, and every message of every step is decided once
and delivered once — counted in the decision log (which records every decision, so a repeated one would show) and
in the sandbox's mailbox.

The journey is send → delay → send → tag → exit, entered by hand. The server holds the jobs it claims for a few
seconds only (`--job-lease`), so the steps the killed server held are taken over soon after the restart.
"""

from __future__ import annotations

import os
import time

import pytest

from pondtest import (count_by, decisions, journey_totals, ok, prepare_journey, sandbox_deliveries, seed_customers,
                      unique, wait_until)

# Sized so that a debug build finishes well within a minute on a small shared machine (a Postgres step costs
# several times a SQLite one there); POND_TEST_JOURNEY_CUSTOMERS runs more.
CUSTOMERS = {"sqlite": 1000, "postgres": 200}
SENDS = 2
LEASE = ("--job-lease", "5")


def assert_each_message_once(ws, runs: int, sends: int) -> list[dict]:
    """Every run's every send decided once and delivered once; returns the journey's decisions."""
    logged = decisions(ws, origin="journey")
    by_key = count_by(logged, "idempotencyKey")
    twice = {key: n for key, n in by_key.items() if n != 1}
    assert not twice, f"{len(twice)} journey messages decided more than once, e.g. {sorted(twice.items())[:5]}"
    assert len(by_key) == runs * sends, f"{len(by_key)} journey messages decided, expected {runs} runs × {sends}"
    per_run: dict = {}
    for key in by_key:
        _, run, step, node = key.split(":")
        per_run.setdefault(run, []).append((int(step), node))
    assert len(per_run) == runs, f"messages of {len(per_run)} runs, expected {runs}"
    uneven = {run: steps for run, steps in per_run.items() if len(steps) != sends}
    assert not uneven, f"{len(uneven)} runs without exactly {sends} messages, e.g. {sorted(uneven.items())[:3]}"

    delivered = [d for d in sandbox_deliveries(ws) if d["idempotencyKey"].startswith("journey:")]
    by_delivery = count_by(delivered, "idempotencyKey")
    again = {key: n for key, n in by_delivery.items() if n != 1}
    assert not again, f"{len(again)} journey messages delivered more than once, e.g. {sorted(again.items())[:5]}"
    sent = [d for d in logged if d["decision"] == "send"]
    assert len(delivered) == len(sent), f"{len(delivered)} sandbox deliveries for {len(sent)} 'send' decisions"
    assert set(by_delivery) == {d["idempotencyKey"] for d in sent}
    return logged


def customers(backend: str) -> int:
    return int(os.environ.get("POND_TEST_JOURNEY_CUSTOMERS", CUSTOMERS[backend]))


def test_journey_resumes_after_kill9(backend, server_factory):
    runs = customers(backend)
    database = server_factory.database(backend)
    server = server_factory.start(database, f"{backend}-journey-before", LEASE)
    ws = server.create_workspace("journey")
    seeding = time.monotonic()
    profiles = seed_customers(ws, unique("jr"), runs)
    prepare_journey(ws, "care")
    total = runs * SENDS
    began = time.monotonic()
    entry = {"profiles": profiles, "requestKey": "crash-test"}
    report = ok(ws.admin("POST", "/api/v1/journeys/care/entries", entry))
    assert report["entered"] == runs, report
    entered = time.monotonic()

    # Kill while steps run: a third of the messages decided or more, not all.
    at_kill = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        at_kill = journey_totals(ws, "care")["messages"]
        if at_kill >= total // 3:
            break
        time.sleep(0.01)
    server.kill9()
    if at_kill >= total:
        pytest.skip("every message was decided before the kill; nothing was interrupted")
    assert at_kill > 0, "no journey message was decided within 60 s"

    server = server_factory.start(database, f"{backend}-journey-after", LEASE)
    ws.server = server
    restarted = time.monotonic()
    # The same request again enters nobody: the runs are the ones entered before the kill.
    again = ok(ws.admin("POST", "/api/v1/journeys/care/entries", entry))
    assert again["entered"] == 0, again

    def finished():
        totals = journey_totals(ws, "care")
        return totals if totals["exited"] == totals["entered"] else None

    totals = wait_until(finished, 120, "every run exiting after the restart", interval=0.25)
    wait_until(lambda: journey_totals(ws, "care")["messagesBy"].get(("delivered", None), 0) == total, 60,
               "every journey message handed to the sandbox", interval=0.25)
    print(f"{backend}: {runs} customers seeded in {began - seeding:.1f} s, entered in {entered - began:.1f} s; "
          f"killed at {at_kill} of {total} messages; all runs done {time.monotonic() - restarted:.1f} s after the restart")
    assert totals["entered"] == runs
    assert totals["inProgress"] == 0
    assert totals["exitedBy"] == {"completed": runs}, totals["exitedBy"]
    logged = assert_each_message_once(ws, runs, SENDS)
    assert {d["decision"] for d in logged} == {"send"}, count_by(logged, "decision")
    tagged = ok(ws.admin("POST", "/api/v1/segments/preview", {"ruleText": 'has tag "cared"', "sample": 1}))["size"]
    assert tagged == runs, f"{tagged} of {runs} customers tagged by the journey"
    server.assert_healthy()
