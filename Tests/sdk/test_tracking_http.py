"""The tracking API (Segment HTTP API) driven with raw HTTP requests."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests

from pondtest import (assert_each_once, basic_auth, gzip_bytes, iso, parse_ts, unique)


def batch_of(*messages, **extra):
    return dict({"batch": list(messages)}, **extra)


def track_msg(anon, event="Test Event", **extra):
    return dict({"type": "track", "anonymousId": anon, "event": event,
                 "messageId": unique("msg"), "properties": {"n": 1}}, **extra)


def assert_error(r: requests.Response, status: int, codes):
    codes = {codes} if isinstance(codes, str) else set(codes)
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:500]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    body = r.json()
    assert isinstance(body.get("message"), str) and body["message"], body
    assert body.get("code") in codes, f"code {body.get('code')!r} not in {codes}"


def assert_still_serving(ws):
    ws.server.assert_healthy()
    anon = unique("alive")
    r = ws.track_post("/v1/batch", batch_of(track_msg(anon)))
    assert r.status_code == 200, r.text


def assert_ok(r: requests.Response):
    assert r.status_code == 200, f"{r.status_code}: {r.text[:500]}"
    assert r.json() == {"success": True}


# --------------------------------------------------------------------------- auth


def test_unknown_write_key_is_401(pond):
    msg = track_msg(unique("a"))
    r = requests.post(pond.base_url + "/v1/batch", json=batch_of(msg),
                      headers={"Authorization": basic_auth("pk_write_doesnotexist")}, timeout=30)
    assert_error(r, 401, "invalid_write_key")
    r = requests.post(pond.base_url + "/v1/track",
                      json=dict(msg, writeKey="pk_write_doesnotexist"), timeout=30)
    assert_error(r, 401, "invalid_write_key")
    # An admin key is not a write key.
    r = requests.post(pond.base_url + "/v1/batch", json=batch_of(msg),
                      headers={"Authorization": basic_auth(pond.admin_key)}, timeout=30)
    assert_error(r, 401, "invalid_write_key")
    assert_still_serving(pond)


def test_missing_write_key_is_401(pond):
    r = requests.post(pond.base_url + "/v1/batch", json=batch_of(track_msg(unique("a"))), timeout=30)
    assert_error(r, 401, "missing_write_key")
    assert_still_serving(pond)


@pytest.mark.parametrize("auth", ["body", "basic", "header"])
def test_write_key_locations(pond, auth):
    anon = unique(f"auth-{auth}")
    msg = track_msg(anon)
    assert_ok(pond.track_post("/v1/batch", batch_of(msg), auth=auth))
    _, events = pond.wait_for_events("anonymous_id", anon, [msg["messageId"]])
    assert_each_once(events, [msg["messageId"]])


def test_write_key_is_scoped_to_its_workspace(pond_server):
    a, b = pond_server.create_workspace(), pond_server.create_workspace()
    anon = unique("scoped")
    msg = track_msg(anon)
    assert_ok(a.track_post("/v1/batch", batch_of(msg)))
    a.wait_for_events("anonymous_id", anon, [msg["messageId"]])
    assert b.get_profile("anonymous_id", anon) is None
    # Admin keys do not cross workspaces either.
    r = requests.get(a.base_url + "/api/v1/profiles", params={"identity": f"anonymous_id:{anon}"},
                     headers={"Authorization": f"Bearer {b.admin_key}"}, timeout=30)
    assert r.status_code == 404, r.text


# --------------------------------------------------------------------------- bad input


def test_malformed_json_is_400(pond):
    for body in [b'{"batch": [', b"not json at all", b"", b'{"batch": [{"type": "track",}]}']:
        r = pond.track_post("/v1/batch", data=body)
        assert_error(r, 400, "invalid_json")
        assert_still_serving(pond)


def test_invalid_utf8_is_400(pond):
    body = b'{"batch": [{"type": "track", "anonymousId": "x\xff\xfe", "event": "E", "messageId": "m-\xc3\x28"}]}'
    r = pond.track_post("/v1/batch", data=body)
    assert_error(r, 400, ["invalid_json", "invalid_message"])
    assert_still_serving(pond)


@pytest.mark.parametrize("bad", [
    {"batch": "not-a-list"},
    {"batch": {"type": "track"}},
    {"batch": [{"type": "track", "anonymousId": "a", "event": 42}]},
    {"batch": [{"type": "track", "anonymousId": "a", "event": "E", "properties": [1, 2]}]},
    {"batch": [{"type": "identify", "anonymousId": "a", "traits": "tall"}]},
    {"batch": [{"type": "track", "anonymousId": "a", "event": "E", "timestamp": "yesterday"}]},
    {"batch": [{"type": "no-such-type", "anonymousId": "a"}]},
    {"batch": ["just a string"]},
], ids=["batch-string", "batch-object", "event-number", "properties-list", "traits-string",
        "timestamp-garbage", "unknown-type", "message-string"])
def test_wrong_field_types_are_400(pond, bad):
    r = pond.track_post("/v1/batch", bad)
    assert_error(r, 400, ["invalid_message", "invalid_json"])
    assert_still_serving(pond)


def test_missing_identity_is_400(pond):
    r = pond.track_post("/v1/batch", batch_of({"type": "track", "event": "E", "messageId": unique("m")}))
    assert_error(r, 400, "missing_identity")
    # Empty and null ids are no ids.
    r = pond.track_post("/v1/track", {"event": "E", "userId": "", "anonymousId": None})
    assert_error(r, 400, ["missing_identity", "invalid_message"])
    assert_still_serving(pond)


def test_bad_batch_stores_nothing(pond):
    """One bad message rejects the whole batch: nothing is half-stored."""
    anon = unique("half")
    good = track_msg(anon, event="Good")
    bad = {"type": "track", "anonymousId": anon, "event": 42, "messageId": unique("m")}
    r = pond.track_post("/v1/batch", batch_of(good, bad))
    assert_error(r, 400, ["invalid_message", "invalid_json"])
    # A later, accepted message for the same person: once it is on the timeline,
    # anything stored before it would be too.
    sentinel = track_msg(anon, event="Sentinel")
    assert_ok(pond.track_post("/v1/batch", batch_of(sentinel)))
    _, events = pond.wait_for_events("anonymous_id", anon, [sentinel["messageId"]])
    assert good["messageId"] not in {e.get("messageId") for e in events}


def test_oversized_batch_is_413(pond):
    anon = unique("big")
    filler = "x" * 20_000  # each message well under 32 KB, the batch well over 500 KB
    msgs = [track_msg(anon, properties={"filler": filler}) for _ in range(30)]
    r = pond.track_post("/v1/batch", batch_of(*msgs))
    assert_error(r, 413, "payload_too_large")
    assert_still_serving(pond)


def test_oversized_message_is_413(pond):
    anon = unique("bigmsg")
    msg = track_msg(anon, properties={"filler": "y" * 40_000})
    # The batch body is small enough; the one message is not.
    r = pond.track_post("/v1/batch", batch_of(msg))
    assert_error(r, 413, ["payload_too_large", "message_too_large"])
    r = pond.track_post("/v1/track", msg)
    assert_error(r, 413, ["payload_too_large", "message_too_large"])
    assert_still_serving(pond)


def test_gzip_bomb_is_413(pond):
    """The size limit applies to the decompressed body, not the compressed bytes."""
    anon = unique("bomb")
    # 150 messages of ~20 KB: each message is within its limit, the body (~3 MB) is not.
    body = json.dumps(batch_of(*[track_msg(anon, properties={"p": " " * 20_000})
                                 for _ in range(150)])).encode()
    compressed = gzip_bytes(body)
    assert len(compressed) < 100_000
    r = pond.track_post("/v1/batch", data=compressed, headers={"Content-Encoding": "gzip"})
    assert_error(r, 413, "payload_too_large")
    assert_still_serving(pond)


def test_corrupt_gzip_is_400(pond):
    r = pond.track_post("/v1/batch", data=b"\x1f\x8b\x08\x00garbage-not-deflate",
                        headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400, r.text
    assert "code" in r.json() and "message" in r.json()
    assert_still_serving(pond)


def test_unknown_content_encoding_is_rejected(pond):
    body = json.dumps(batch_of(track_msg(unique("enc")))).encode()
    r = pond.track_post("/v1/batch", data=body, headers={"Content-Encoding": "br"})
    assert r.status_code in (400, 415), r.text
    assert r.json().get("code") and r.json().get("message"), r.text
    assert_still_serving(pond)


# --------------------------------------------------------------------------- accepted input


def test_gzip_body(pond):
    anon = unique("gz")
    msgs = [track_msg(anon, event=f"E{i}") for i in range(5)]
    body = gzip_bytes(json.dumps(batch_of(*msgs)).encode())
    assert_ok(pond.track_post("/v1/batch", data=body, headers={"Content-Encoding": "gzip"}))
    ids = [m["messageId"] for m in msgs]
    _, events = pond.wait_for_events("anonymous_id", anon, ids)
    assert_each_once(events, ids)


@pytest.mark.parametrize("kind", ["identify", "track", "page", "screen", "group", "alias"])
def test_single_message_endpoints(pond, kind):
    """`/v1/<type>` takes one message; the path gives its type."""
    user = unique("single")
    mid = unique("m")
    bodies = {
        "identify": {"userId": user, "traits": {"name": "Single"}},
        "track": {"userId": user, "event": "Single Event", "properties": {"a": 1}},
        "page": {"userId": user, "name": "Home", "properties": {"url": "https://example.test/"}},
        "screen": {"userId": user, "name": "Main"},
        "group": {"userId": user, "groupId": "g-1", "traits": {"plan": "x"}},
        "alias": {"userId": user, "previousId": unique("prev")},
    }
    assert_ok(pond.track_post(f"/v1/{kind}", dict(bodies[kind], messageId=mid)))
    _, events = pond.wait_for_events("user_id", user, [mid])
    (event,) = [e for e in events if e["messageId"] == mid]
    assert event["type"] == kind
    if kind == "track":
        assert event["event"] == "Single Event"
        assert event["properties"] == {"a": 1}


def test_resending_the_same_batch_stores_nothing_new(pond):
    anon = unique("dup")
    msgs = [track_msg(anon, event=f"E{i}") for i in range(10)]
    ids = [m["messageId"] for m in msgs]
    payload = batch_of(*msgs, sentAt=iso(datetime.now(timezone.utc)))
    assert_ok(pond.track_post("/v1/batch", payload))
    pond.wait_for_events("anonymous_id", anon, ids)
    # The same batch again (a retry), and once more with a fresh sentAt and gzip.
    assert_ok(pond.track_post("/v1/batch", payload))
    payload2 = dict(payload, sentAt=iso(datetime.now(timezone.utc)))
    assert_ok(pond.track_post("/v1/batch", data=gzip_bytes(json.dumps(payload2).encode()),
                              headers={"Content-Encoding": "gzip"}))
    # Half old, half new.
    fresh = [track_msg(anon, event="Fresh") for _ in range(3)]
    assert_ok(pond.track_post("/v1/batch", batch_of(*(msgs[:5] + fresh))))
    fresh_ids = [m["messageId"] for m in fresh]
    _, events = pond.wait_for_events("anonymous_id", anon, fresh_ids)
    assert_each_once(events, ids + fresh_ids)
    assert len(events) == len(ids) + len(fresh_ids)


# --------------------------------------------------------------------------- time


def _stored(pond, anon, mid):
    _, events = pond.wait_for_events("anonymous_id", anon, [mid])
    (event,) = [e for e in events if e["messageId"] == mid]
    return parse_ts(event["timestamp"]), parse_ts(event["receivedAt"])


def test_sentat_corrects_client_clock_skew(pond):
    """timestamp := receivedAt - (sentAt - timestamp): a client clock an hour fast is corrected."""
    skew = timedelta(hours=1)
    client_now = datetime.now(timezone.utc) + skew
    anon = unique("skew")

    # Event happened "now" on the skewed clock, sent immediately.
    m1 = track_msg(anon, event="Now", timestamp=iso(client_now))
    # Event happened 10 minutes before sending, on the skewed clock.
    m2 = track_msg(anon, event="Earlier", timestamp=iso(client_now - timedelta(minutes=10)))
    before = datetime.now(timezone.utc)
    assert_ok(pond.track_post("/v1/batch", batch_of(m1, m2, sentAt=iso(client_now))))
    after = datetime.now(timezone.utc)

    tol = timedelta(seconds=5)
    ts1, rcv1 = _stored(pond, anon, m1["messageId"])
    assert before - tol <= rcv1 <= after + tol, (rcv1, before, after)
    assert abs(ts1 - rcv1) <= tol, f"timestamp {ts1} should be ~receivedAt {rcv1}"
    ts2, rcv2 = _stored(pond, anon, m2["messageId"])
    assert abs(ts2 - (rcv2 - timedelta(minutes=10))) <= tol, (ts2, rcv2)


def test_timestamp_kept_without_sentat(pond):
    """Without sentAt there is nothing to correct against: timestamp is stored as sent."""
    anon = unique("nosent")
    t = datetime(2021, 3, 4, 5, 6, 7, 123000, tzinfo=timezone.utc)
    m = track_msg(anon, timestamp=iso(t))
    assert_ok(pond.track_post("/v1/batch", batch_of(m)))
    ts, _ = _stored(pond, anon, m["messageId"])
    assert abs(ts - t) <= timedelta(milliseconds=1), ts
