"""Customer intelligence through the management API of a real `pond serve`, on every backend: tags, auto-tag
rules, segments kept current as orders arrive (with their enter/exit log), RFM and lifecycle runs. The events come
from the official Segment client, unmodified, as a brand's developer would send them.
"""

from __future__ import annotations

from segment.analytics import Client

from pondtest import unique, wait_until

SKINCARE_MEMBERS = 'performed "Order Completed" >= 2 times in 90d where category = "护肤" and has tag "会员"'


def send(ws, calls) -> None:
    errors: list = []
    client = Client(write_key=ws.write_key, host=ws.base_url, gzip=True, max_retries=3, timeout=10,
                    upload_interval=0.1, on_error=lambda e, batch: errors.append(repr(e)))
    for call in calls:
        call(client)
    client.flush()
    client.shutdown()
    assert not errors, errors


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def members(ws, segment: str) -> set:
    return {m["profileId"] for m in ok(ws.admin("GET", f"/api/v1/segments/{segment}/members",
                                                params={"limit": 1000}))["members"]}


def order(user: str, n: int, category: str, revenue: float):
    return lambda c: c.track(user, "Order Completed", {"order_id": f"{user}-{n}", "category": category,
                                                       "revenue": revenue})


def test_segment_follows_orders_and_tags_in_real_time(pond):
    buyer, browser = unique("buyer"), unique("browser")
    send(pond, [order(buyer, 1, "护肤", 329), lambda c: c.track(browser, "Product Viewed", {"category": "护肤"})])
    buyer_id = pond.profile_by_identity("user_id", buyer)["id"]
    browser_id = pond.profile_by_identity("user_id", browser)["id"]

    ok(pond.admin("POST", "/api/v1/tags", {"name": "会员"}), 201)
    ok(pond.admin("POST", f"/api/v1/profiles/{buyer_id}/tags", {"tags": ["会员"]}))
    ok(pond.admin("POST", f"/api/v1/profiles/{browser_id}/tags", {"tags": ["会员"]}))
    created = ok(pond.admin("POST", "/api/v1/segments",
                            {"id": "skincare", "name": "护肤会员", "ruleText": SKINCARE_MEMBERS}), 201)
    assert created["memberCount"] == 0, "one order is not two"

    # The second order arrives through the tracking API; membership follows without any full run.
    send(pond, [order(buyer, 2, "护肤", 199)])
    wait_until(lambda: members(pond, "skincare") == {buyer_id}, 30, "the buyer entering the segment")
    changes = ok(pond.admin("GET", "/api/v1/segments/skincare/changes"))["changes"]
    assert [(c["profileId"], c["change"]) for c in changes] == [(buyer_id, "enter")]

    # Taking the tag off takes the buyer out again, with an exit record after the cursor.
    cursor = changes[-1]["seq"]
    ok(pond.admin("DELETE", f"/api/v1/profiles/{buyer_id}/tags/会员"))
    wait_until(lambda: members(pond, "skincare") == set(), 30, "the buyer leaving the segment")
    later = ok(pond.admin("GET", "/api/v1/segments/skincare/changes", params={"after": cursor}))["changes"]
    assert [(c["profileId"], c["change"]) for c in later] == [(buyer_id, "exit")]


def test_auto_tag_rule_and_invalid_rules(pond):
    big, small = unique("big"), unique("small")
    send(pond, [order(big, 1, "彩妆", 900), order(big, 2, "彩妆", 900), order(small, 1, "彩妆", 50)])
    big_id = pond.profile_by_identity("user_id", big)["id"]
    small_id = pond.profile_by_identity("user_id", small)["id"]
    wait_until(lambda: len(pond.events(big_id)) >= 2, 30, "both orders on the timeline")

    ok(pond.admin("POST", "/api/v1/tags", {"name": "高频彩妆"}), 201)
    rule = ok(pond.admin("POST", "/api/v1/tag-rules", {
        "name": "复购彩妆", "tag": "高频彩妆", "action": "add",
        "ruleText": 'performed "Order Completed" >= 2 times in 30d where category = "彩妆"'}), 201)
    assert rule["tag"] == "高频彩妆"

    def tags(profile_id):
        return {t["tag"] for t in ok(pond.admin("GET", f"/api/v1/profiles/{profile_id}/tags"))["tags"]}
    wait_until(lambda: "高频彩妆" in tags(big_id), 30, "the rule tagging the repeat buyer")
    assert "高频彩妆" not in tags(small_id)

    # A rule naming an unknown tag or with a broken tree is refused with a code and the offending node.
    refused = pond.admin("POST", "/api/v1/segments", {"id": "bad", "name": "bad", "ruleText": 'has tag "没有这个标签"'})
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "unknown_tag"
    broken = pond.admin("POST", "/api/v1/segments",
                        {"id": "bad", "name": "bad", "rule": {"type": "all", "rules": [{"type": "trait"}]}})
    assert broken.status_code == 400, broken.text
    assert broken.json()["code"] and broken.json()["message"] and broken.json()["path"]
    assert pond.admin("GET", "/api/v1/segments/bad").status_code == 404, "nothing was saved"


def test_rfm_and_lifecycle_runs(pond):
    users = [unique(f"rfm{i}") for i in range(5)]
    send(pond, [order(u, n, "护肤", 100 * (i + 1)) for i, u in enumerate(users) for n in range(i + 1)])
    for i, u in enumerate(users):
        profile = pond.profile_by_identity("user_id", u)
        wait_until(lambda: len(pond.events(profile["id"])) >= i + 1, 30, f"{u}'s orders stitched")

    run = ok(pond.admin("POST", "/api/v1/rfm/run"))
    assert run["scoredProfiles"] == 5
    distribution = ok(pond.admin("GET", "/api/v1/rfm/distribution"))
    assert sum(layer["count"] for layer in distribution["layers"]) == 5
    top = pond.profile_by_identity("user_id", users[-1])["id"]
    score = ok(pond.admin("GET", f"/api/v1/profiles/{top}/rfm"))["score"]
    assert score["f"] == 5 and score["m"] == 5, score

    ok(pond.admin("POST", "/api/v1/lifecycle/run"))
    stages = ok(pond.admin("GET", "/api/v1/lifecycle/distribution"))
    assert stages["evaluatedProfiles"] == 5
    counts = {s["id"]: s["count"] for s in stages["stages"]}
    assert (counts["converted"], counts["retained"]) == (4, 1), counts  # repeat buyers, and a first order
