"""Scenarios shared by the Segment and RudderStack client tests.

Both official Python clients have the same call signatures (identify, track, page,
screen, group, alias, flush, shutdown), so one scenario drives either; each test
module passes a factory that builds its client pointed at a given host.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

from pondtest import FlakyProxy, Workspace, assert_each_once, identities, parse_ts, unique

# (host, errors list) -> client; the client must report failures into `errors`.
ClientFactory = Callable[[str, list], object]


def _sent(result) -> str:
    ok, msg = result
    assert ok, f"client refused to queue {msg}"
    return msg["messageId"]


def _finish(client, errors):
    client.flush()
    client.shutdown()
    assert not errors, f"client reported upload errors: {errors}"


def journey(ws: Workspace, make_client: ClientFactory):
    """Anonymous visitor -> identified user, through every call type.

    Checks: every message stored exactly once, one profile with both identities,
    identify traits on the profile.
    """
    errors: list = []
    client = make_client(ws.base_url, errors)
    anon, user = unique("anon"), unique("user")

    ids = [
        _sent(client.identify(anonymous_id=anon, traits={"name": "Ada", "plan": "pro"})),
        _sent(client.track(anonymous_id=anon, event="Product Viewed",
                           properties={"sku": "sku-1", "price": 12.5})),
        _sent(client.page(anonymous_id=anon, category="Docs", name="Home",
                          properties={"url": "https://example.test/docs"})),
        _sent(client.screen(anonymous_id=anon, name="Main", properties={"tab": 1})),
        _sent(client.alias(previous_id=anon, user_id=user)),
        _sent(client.identify(user_id=user, traits={"city": "Hangzhou"})),
        _sent(client.group(user_id=user, group_id="team-1", traits={"name": "Team One"})),
        _sent(client.track(user_id=user, event="Order Completed",
                           properties={"order_id": "o-1", "revenue": 99.0})),
    ]
    _finish(client, errors)

    def merged_with_traits(p):
        t = p.get("traits", {})
        return (("anonymous_id", anon) in identities(p) and ("user_id", user) in identities(p)
                and t.get("name") == "Ada" and t.get("plan") == "pro" and t.get("city") == "Hangzhou")

    profile = ws.wait_for_profile("user_id", user, merged_with_traits,
                                  "with both identities and all identify traits")
    by_anon = ws.profile_by_identity("anonymous_id", anon)
    assert by_anon["id"] == profile["id"], (by_anon, profile)

    profile, events = ws.wait_for_events("user_id", user, ids)
    assert_each_once(events, ids)
    assert len(events) == len(ids), [e.get("messageId") for e in events]
    by_id = {e["messageId"]: e for e in events}
    assert [by_id[i]["type"] for i in ids] == [
        "identify", "track", "page", "screen", "alias", "identify", "group", "track"]
    assert by_id[ids[1]]["event"] == "Product Viewed"
    assert by_id[ids[1]]["properties"] == {"sku": "sku-1", "price": 12.5}
    assert by_id[ids[7]]["properties"]["revenue"] == 99.0
    return profile, events


def retry_is_deduplicated(ws: Workspace, make_client: ClientFactory, mode: str):
    """The server stores a batch, the client never sees the 200 and retries it."""
    anon = unique("retry")
    with FlakyProxy(ws.base_url, fail_first=1, mode=mode) as proxy:
        errors: list = []
        client = make_client(proxy.url, errors)
        ids = [_sent(client.track(anonymous_id=anon, event=f"Retry {i}", properties={"i": i}))
               for i in range(5)]
        _finish(client, errors)
    assert proxy.requests_seen >= 2, "the client did not retry"
    assert proxy.upstream_statuses[0] == 200, proxy.upstream_statuses
    _, events = ws.wait_for_events("anonymous_id", anon, ids)
    assert_each_once(events, ids)
    assert len(events) == len(ids)
    return proxy


def resend_from_new_client(ws: Workspace, make_client: ClientFactory):
    """Two client processes sending the same messageIds: stored once."""
    anon = unique("twice")
    mids = [unique("fixed") for _ in range(4)]
    for _ in range(2):
        errors: list = []
        client = make_client(ws.base_url, errors)
        for i, mid in enumerate(mids):
            _sent(client.track(anonymous_id=anon, event="Twice", properties={"i": i}, message_id=mid))
        _finish(client, errors)
    # A sentinel sent after both: once it is visible, so is anything stored before it.
    errors = []
    client = make_client(ws.base_url, errors)
    sentinel = _sent(client.track(anonymous_id=anon, event="Sentinel"))
    _finish(client, errors)
    _, events = ws.wait_for_events("anonymous_id", anon, mids + [sentinel])
    assert_each_once(events, mids + [sentinel])
    assert len(events) == len(mids) + 1


def historic_timestamp_survives_correction(ws: Workspace, make_client: ClientFactory):
    """A client on a correct clock sends an old event: sentAt ~ receivedAt, so the
    corrected timestamp is the one the client gave."""
    anon = unique("old")
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    errors: list = []
    client = make_client(ws.base_url, errors)
    mid = _sent(client.track(anonymous_id=anon, event="Old", timestamp=when))
    _finish(client, errors)
    _, events = ws.wait_for_events("anonymous_id", anon, [mid])
    (event,) = events
    assert abs(parse_ts(event["timestamp"]) - when) < timedelta(seconds=10), event
    assert abs(parse_ts(event["receivedAt"]) - datetime.now(timezone.utc)) < timedelta(minutes=5), event
