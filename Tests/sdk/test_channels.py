"""Channel settings through a real `pond serve`, on every backend: a webhook configured over the API receives the
message the dispatcher let go, signed as documented (checked here with Python's own HMAC); a channel left
unconfigured fails its messages for good; no response ever carries the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading

from pondtest import unique, wait_until

SECRET = "whsec-" + "不可外泄".encode().hex() + "-0001"


class Receiver:
    """A brand's webhook endpoint on a free local port, keeping each request's headers and raw body."""

    def __init__(self):
        self.requests: list = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/pond"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Recorded:
    """The management API with every response body kept, to look for the secret in all of them."""

    def __init__(self, ws):
        self.ws = ws
        self.bodies: list = []

    def call(self, method: str, path: str, body=None, status: int = 200) -> dict:
        response = self.ws.admin(method, path, body)
        self.bodies.append(response.text)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()


def test_a_configured_webhook_receives_signed_messages_and_secrets_stay_hidden(pond):
    api = Recorded(pond)
    user = unique("hook")
    assert pond.track_post("/v1/identify", {"userId": user, "traits": {"phone": "13800138000"}}).status_code == 200
    profile = pond.profile_by_identity("user_id", user)["id"]

    with Receiver() as receiver:
        saved = api.call("PUT", "/api/v1/channels/webhook",
                         {"configuration": {"type": "webhook", "url": receiver.url, "secret": SECRET}})
        assert saved["configuration"]["secret"] == "set"
        # Changing the URL while sending "set" keeps the stored secret: the delivery below is signed with it.
        shown = api.call("GET", "/api/v1/channels/webhook")["configuration"]
        api.call("PUT", "/api/v1/channels/webhook", {"configuration": dict(shown, url=receiver.url + "?v=2")})

        key = unique("msg")
        api.call("POST", "/api/v1/messages", {
            "idempotencyKey": key, "profileId": profile, "channel": "webhook", "category": "service",
            "content": {"text": "您的订单已发货"},
        }, status=202)
        wait_until(lambda: receiver.requests, 30, "the webhook delivery")
        headers, body = receiver.requests[0]
        timestamp, signature = headers["Pond-Timestamp"], headers["Pond-Signature"]
        expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        assert f"v1={expected}" in [part.strip() for part in signature.split(",")]
        assert headers["Pond-Idempotency-Key"] == key
        assert json.loads(body)["text"] == "您的订单已发货"
        wait_until(lambda: api.call("GET", f"/api/v1/messages/{key}")["status"] == "delivered", 30, "delivered")

    # SMS was never configured on this server: the message fails for good, saying why.
    sms = unique("sms")
    api.call("POST", "/api/v1/messages", {
        "idempotencyKey": sms, "profileId": profile, "channel": "sms", "category": "service",
        "content": {"text": "验证码 246810", "providerTemplate": "SMS_100001", "parameters": {"code": "246810"}},
    }, status=202)
    failed = wait_until(lambda: (lambda m: m if m["status"] == "failed" else None)(
        api.call("GET", f"/api/v1/messages/{sms}")), 30, "the SMS failing")
    assert failed["error"] == "channel 'sms' is not configured"

    listed = api.call("GET", "/api/v1/channels")["channels"]
    assert [c["id"] for c in listed] == ["webhook"]
    refused = api.call("PUT", "/api/v1/channels/webhook",
                       {"configuration": {"type": "webhook", "url": "ftp://nowhere", "secret": SECRET}}, status=400)
    assert refused["code"] == "channel_invalid_config" and refused["path"] == "configuration.url"
    for text in api.bodies:
        assert SECRET not in text, text
