"""kill -9 under load: no acknowledged message is lost, none is stored twice.

Four senders post batches of 50 messages (unique messageIds) to /v1/batch and
record which batches got HTTP 200. After about two seconds of load the server
is killed with SIGKILL while requests are in flight. It is then restarted on the
same database, and every batch that did not get a 200 is sent again (as an SDK
would), together with a sample of batches that did. Finally the database is
read directly: every message of every acknowledged batch is there exactly once.

On SQLite the server settles message ids every 300 (instead of 65,536), so the
kill lands among settles spread over many commits and the restart has to rebuild
the ledger's memory from the event log.

Bounded: at most 4 x 400 batches, about 2 s of load, bounded retries.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from datetime import datetime, timezone

import requests

from pondtest import basic_auth, iso, psql, unique

THREADS = 4
MAX_BATCHES = 400  # per thread
BATCH_SIZE = 50
LOAD_SECONDS = 2.0
ACKED_RESEND_SAMPLE = 50


def make_batch(prefix: str, t: int, b: int) -> bytes:
    now = iso(datetime.now(timezone.utc))
    msgs = [{
        "type": "track",
        "messageId": f"{prefix}-{t}-{b}-{i}",
        "anonymousId": f"{prefix}-visitor-{t}-{b % 8}",
        "event": "Load Test",
        "properties": {"thread": t, "batch": b, "i": i},
        "timestamp": now,
    } for i in range(BATCH_SIZE)]
    return json.dumps({"batch": msgs, "sentAt": now}).encode()


def message_ids(prefix: str, t: int, b: int) -> list:
    return [f"{prefix}-{t}-{b}-{i}" for i in range(BATCH_SIZE)]


def send_until_accepted(url: str, headers: dict, body: bytes, attempts: int = 20) -> int:
    """Retry like an SDK: on network errors, 429 and 5xx, with capped backoff."""
    status = None
    for n in range(attempts):
        try:
            status = requests.post(url, data=body, headers=headers, timeout=(3, 30)).status_code
        except requests.RequestException:
            status = None
        if status is not None and status < 500 and status != 429:
            return status
        time.sleep(min(2.0, 0.1 * 2 ** n))
    return status if status is not None else -1


def stored_counts(backend: str, database: str, workspace_id: str, prefix: str) -> tuple[dict, list]:
    """(message_id -> rows for this run in the workspace, duplicated (workspace_id, message_id) anywhere)."""
    like = prefix + "-%"
    if backend == "sqlite":
        path = database[len("sqlite:"):]
        con = sqlite3.connect(path, timeout=30)
        try:
            counts = dict(con.execute(
                "SELECT message_id, COUNT(*) FROM events WHERE workspace_id = ? AND message_id LIKE ? "
                "GROUP BY message_id", (workspace_id, like)).fetchall())
            dupes = con.execute(
                "SELECT workspace_id, message_id, COUNT(*) FROM events "
                "GROUP BY workspace_id, message_id HAVING COUNT(*) > 1 LIMIT 20").fetchall()
        finally:
            con.close()
        return counts, dupes
    out = psql(database, "SELECT message_id, COUNT(*) FROM events "
                         f"WHERE workspace_id = '{workspace_id}' AND message_id LIKE '{like}' "
                         "GROUP BY message_id")
    counts = {}
    for line in out.splitlines():
        if line.strip():
            mid, n = line.rsplit("|", 1)
            counts[mid] = int(n)
    out = psql(database, "SELECT workspace_id, message_id, COUNT(*) FROM events "
                         "GROUP BY workspace_id, message_id HAVING COUNT(*) > 1 LIMIT 20")
    return counts, [line for line in out.splitlines() if line.strip()]


SETTLE_EVERY = ("--settle-message-ids-every", "300")


def test_kill9_under_load(backend, server_factory):
    database = server_factory.database(backend)
    server = server_factory.start(database, f"{backend}-crash-before", SETTLE_EVERY)
    ws = server.create_workspace("crash")
    prefix = unique("crash")
    headers = {"Content-Type": "application/json", "Authorization": basic_auth(ws.write_key)}
    url = server.base_url + "/v1/batch"

    lock = threading.Lock()
    stop = threading.Event()
    results: dict = {}      # (t, b) -> HTTP status, or None for a network error
    in_flight: set = set()
    done = [0]

    def sender(t: int):
        session = requests.Session()
        for b in range(MAX_BATCHES):
            if stop.is_set():
                return
            body = make_batch(prefix, t, b)
            with lock:
                in_flight.add((t, b))
            try:
                status = session.post(url, data=body, headers=headers, timeout=(3, 30)).status_code
            except requests.RequestException:
                status = None
            with lock:
                in_flight.discard((t, b))
                results[(t, b)] = status
                done[0] += 1
            if status == 429:
                time.sleep(0.05)

    threads = [threading.Thread(target=sender, args=(t,), daemon=True) for t in range(THREADS)]
    started = time.monotonic()
    for th in threads:
        th.start()
    # Kill after LOAD_SECONDS, or earlier if the senders are getting close to the end.
    while time.monotonic() - started < LOAD_SECONDS and done[0] < THREADS * MAX_BATCHES * 0.6:
        time.sleep(0.01)
    with lock:
        in_flight_at_kill = len(in_flight)
    server.kill9()
    stop.set()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads), "senders did not stop"

    acked = sorted(k for k, v in results.items() if v == 200)
    unacked = sorted(k for k, v in results.items() if v != 200)
    statuses: dict = {}
    for v in results.values():
        statuses[v] = statuses.get(v, 0) + 1
    print(f"load: {len(results)} batches in {time.monotonic() - started:.1f}s, statuses {statuses}, "
          f"{in_flight_at_kill} in flight at kill")
    assert acked, f"no batch was acknowledged before the kill: {statuses}"
    bad = {s: n for s, n in statuses.items() if s not in (200, 429, None) and not (s and s >= 500)}
    assert not bad, f"unexpected statuses under load: {bad}"

    # Restart on the same database and resend like an SDK would.
    server = server_factory.start(database, f"{backend}-crash-after", SETTLE_EVERY)
    url = server.base_url + "/v1/batch"
    rng = random.Random(prefix)
    resend = unacked + rng.sample(acked, min(ACKED_RESEND_SAMPLE, len(acked)))
    for t, b in resend:
        status = send_until_accepted(url, headers, make_batch(prefix, t, b))
        assert status == 200, f"resend of batch {(t, b)} -> {status}"
    server.assert_healthy()
    server.stop()

    counts, dupes = stored_counts(backend, database, ws.id, prefix)
    assert not dupes, f"duplicated (workspace_id, message_id) rows: {dupes}"
    expected = {mid for (t, b) in results for mid in message_ids(prefix, t, b)}
    missing = [mid for mid in expected if counts.get(mid, 0) == 0]
    assert not missing, f"{len(missing)} acknowledged messages missing, e.g. {sorted(missing)[:5]}"
    twice = {mid: n for mid, n in counts.items() if n != 1}
    assert not twice, f"messages stored more than once: {dict(list(twice.items())[:5])}"
    unexpected = set(counts) - expected
    assert not unexpected, f"messages that were never sent: {sorted(unexpected)[:5]}"
