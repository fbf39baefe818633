"""A broadcast survives `kill -9` of the `pond serve` running it: restarted on the same database, the server resumes
at the last committed slice, and every member of the audience is decided exactly once — counted in the decision log,
which records every decision and would show a repeated one.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from pondtest import basic_auth, unique, wait_until

# Three slices of 1000: the kill comes after the first.
CUSTOMERS = 3_000


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def seed(ws, prefix: str) -> list[str]:
    """Customers with a phone each, through the tracking API; returns the phones."""
    phones = [f"139{i:08d}" for i in range(CUSTOMERS)]
    headers = {"Content-Type": "application/json", "Authorization": basic_auth(ws.write_key)}
    for start in range(0, CUSTOMERS, 500):
        batch = [{"type": "identify", "userId": f"{prefix}-{i}", "messageId": f"{prefix}-m{i}",
                  "traits": {"phone": phones[i], "name": f"会员{i}"}} for i in range(start, min(start + 500, CUSTOMERS))]
        response = requests.post(ws.base_url + "/v1/batch", data=json.dumps({"batch": batch}), headers=headers, timeout=60)
        assert response.status_code == 200, response.text
    ws.profile_by_identity("user_id", f"{prefix}-{CUSTOMERS - 1}", timeout=120)
    return phones


def decided_keys(ws) -> dict:
    """How many decisions the log holds per broadcast message key."""
    counts: dict = {}
    cursor = None
    while True:
        params = {"origin": "broadcast", "limit": 1000}
        if cursor:
            params["cursor"] = cursor
        page = ok(ws.admin("GET", "/api/v1/dispatch/decisions", params=params))
        for decision in page["decisions"]:
            counts[decision["idempotencyKey"]] = counts.get(decision["idempotencyKey"], 0) + 1
        cursor = page["nextCursor"]
        if not cursor:
            return counts


def test_broadcast_resumes_after_kill9(backend, server_factory):
    database = server_factory.database(backend)
    server = server_factory.start(database, f"{backend}-broadcast-before")
    ws = server.create_workspace("broadcast")
    prefix = unique("bc")
    phones = seed(ws, prefix)

    ok(ws.admin("POST", "/api/v1/segments", {"id": "all", "name": "全部", "kind": "static"}), 201)
    upload = ws._session.post(
        ws.base_url + "/api/v1/segments/all/members/import", params={"mode": "append"},
        data=("phone\r\n" + "\r\n".join(phones) + "\r\n").encode(),
        headers={"Authorization": f"Bearer {ws.admin_key}", "Content-Type": "text/csv; charset=utf-8"}, timeout=120)
    assert upload.status_code == 200, upload.text
    assert upload.json()["memberCount"] == CUSTOMERS
    # A service notice: no consent or quiet hours in the way, so every member is decided at once.
    ok(ws.admin("POST", "/api/v1/templates", {"id": "notice", "name": "通知", "category": "service",
                                              "bodies": {"sandbox": {"text": "{{name|您好}}，您的积分即将到期"}}}), 201)
    ok(ws.admin("POST", "/api/v1/broadcasts", {"id": "b", "name": "积分到期", "segmentId": "all",
                                               "templateId": "notice", "channel": "sandbox"}), 201)

    read_at_kill = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = ok(ws.admin("GET", "/api/v1/broadcasts/b"))
        read_at_kill = progress["progress"]["audienceRead"]
        if read_at_kill > 0 or progress["status"] == "completed":
            break
        time.sleep(0.005)
    server.kill9()
    if read_at_kill >= CUSTOMERS:
        pytest.skip("the broadcast completed before the kill; nothing was interrupted")

    server = server_factory.start(database, f"{backend}-broadcast-after")
    ws.server = server
    # The slice the killed server held is taken over once its lease (60 s) runs out.
    wait_until(lambda: ok(ws.admin("GET", "/api/v1/broadcasts/b"))["status"] == "completed", 240,
               "the broadcast completing after the restart")
    done = ok(ws.admin("GET", "/api/v1/broadcasts/b"))
    print(f"killed after {read_at_kill} of {CUSTOMERS} read; {done['progress']['slices']} slices in all")
    assert done["progress"]["audienceRead"] == CUSTOMERS
    assert done["report"]["messages"] == CUSTOMERS
    counts = decided_keys(ws)
    assert len(counts) == CUSTOMERS, f"{CUSTOMERS - len(counts)} members never decided"
    twice = {key: n for key, n in counts.items() if n != 1}
    assert not twice, f"{len(twice)} members decided more than once, e.g. {sorted(twice.items())[:5]}"
    wait_until(lambda: ok(ws.admin("GET", "/api/v1/broadcasts/b"))["report"]["byStatus"]["delivered"] == CUSTOMERS, 180,
               "every message handed to the sandbox")
    server.assert_healthy()
