"""Helpers for running the real `pond` binary in tests and talking to its APIs.

Used by conftest.py and the test modules. Nothing here fakes the server: every
helper drives the built binary over HTTP, or reads its database directly.
"""

from __future__ import annotations

import base64
import glob
import gzip as gzip_mod
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Optional
from urllib.parse import urlsplit, urlunsplit

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
ROOT_KEY = "pond-test-root-" + secrets.token_hex(12)
HEALTH_TIMEOUT = 60.0
# The channel of the timeline entries Pond writes itself (tag, RFM layer and lifecycle stage changes).
POND_CHANNEL = "pond"


class PondTestError(AssertionError):
    pass


# --------------------------------------------------------------------------- utilities


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def pond_binary() -> Path:
    explicit = os.environ.get("POND_BIN")
    candidates = [Path(explicit)] if explicit else [
        REPO_ROOT / ".build" / "debug" / "pond",
        REPO_ROOT / ".build" / "release" / "pond",
    ]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    raise PondTestError(
        "pond binary not found (looked at %s); run `swift build` or set POND_BIN"
        % ", ".join(str(c) for c in candidates)
    )


_FRACTION = re.compile(r"(\.\d+)")


def parse_ts(value: Any) -> datetime:
    """Parse a timestamp as the API returns it (ISO 8601 string, or epoch milliseconds)."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000.0, tz=timezone.utc)
    if not isinstance(value, str):
        raise PondTestError(f"not a timestamp: {value!r}")
    s = value.strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    m = _FRACTION.search(s)
    if m:  # fromisoformat takes at most 6 fractional digits
        frac = m.group(1)[1:]
        s = s[: m.start()] + "." + (frac + "000000")[:6] + s[m.end():]
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.1):
    """Poll `condition` until it returns something truthy; bounded by `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_exc: Optional[BaseException] = None
    while True:
        try:
            result = condition()
            if result:
                return result
        except (requests.RequestException, PondTestError) as e:
            last_exc = e
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_exc})" if last_exc else ""
            raise PondTestError(f"timed out after {timeout:.0f}s waiting for {what}{detail}")
        time.sleep(interval)


def gzip_bytes(data: bytes) -> bytes:
    return gzip_mod.compress(data)


def basic_auth(write_key: str) -> str:
    return "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()


# --------------------------------------------------------------------------- postgres


def psql_binary() -> str:
    found = shutil.which("psql")
    if found:
        return found
    for c in sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True):
        return c
    raise PondTestError("psql not found (PATH, /usr/lib/postgresql/*/bin)")


def psql(url: str, sql: str, timeout: float = 60) -> str:
    proc = subprocess.run(
        [psql_binary(), url, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise PondTestError(f"psql failed ({proc.returncode}): {sql}\n{proc.stderr}")
    return proc.stdout


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class PostgresDatabase:
    """A fresh database on the test cluster, dropped by `drop()`."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.name = "pond_sdk_" + secrets.token_hex(6)
        psql(base_url, f'CREATE DATABASE "{self.name}"')
        self.url = with_database(base_url, self.name)

    def drop(self):
        psql(self.base_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --------------------------------------------------------------------------- server


class PondServer:
    """One `pond serve` process. `database` is passed verbatim to --database."""

    def __init__(self, database: str, workdir: Path, label: str, extra_args: tuple = ()):
        self.database = database
        self.extra_args = list(extra_args)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.label = label
        self.log_path = self.workdir / f"{label}.stderr.log"
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = HEALTH_TIMEOUT) -> "PondServer":
        binary = pond_binary()
        for attempt in range(3):
            self.port = free_port()
            self.starts += 1
            with open(self.log_path, "ab") as log:
                log.write(f"\n===== start #{self.starts} on port {self.port} =====\n".encode())
                log.flush()
                env = dict(os.environ, POND_ROOT_KEY=ROOT_KEY)
                self.proc = subprocess.Popen(
                    [str(binary), "serve", "--database", self.database,
                     "--host", "127.0.0.1", "--port", str(self.port), "--root-key", ROOT_KEY,
                     *self.extra_args],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                    cwd=self.workdir,
                )
            if self._wait_healthy(timeout):
                return self
            # The port was free when we picked it; another process may have won the race.
            if attempt < 2 and re.search(r"in use|EADDRINUSE", self.log_tail(20), re.I):
                continue
            break
        self.stop()
        raise PondTestError(f"pond server ({self.label}) did not become healthy\n{self.log_tail()}")

    def _wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                r = requests.get(self.base_url + "/healthz", timeout=2)
                if r.status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.1)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 15):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def log_tail(self, lines: int = 200) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def assert_healthy(self):
        if not self.alive():
            raise PondTestError(f"pond server ({self.label}) has exited\n{self.log_tail()}")
        r = requests.get(self.base_url + "/healthz", timeout=5)
        assert r.status_code == 200, f"/healthz -> {r.status_code} {r.text}"

    def create_workspace(self, name: Optional[str] = None) -> "Workspace":
        name = name or unique("ws")
        r = requests.post(
            self.base_url + "/api/v1/workspaces",
            json={"name": name},
            headers={"Authorization": f"Bearer {ROOT_KEY}"},
            timeout=30,
        )
        assert r.status_code == 201, f"create workspace -> {r.status_code} {r.text}"
        body = r.json()
        return Workspace(
            server=self,
            id=body["workspace"]["id"],
            name=body["workspace"]["name"],
            admin_key=body["adminKey"],
            write_key=body["writeKey"],
        )


# --------------------------------------------------------------------------- workspace


@dataclass
class Workspace:
    server: PondServer
    id: str
    name: str
    admin_key: str
    write_key: str
    _session: requests.Session = field(default_factory=requests.Session, repr=False)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    # -- tracking API

    def track_post(self, path: str, payload: Any = None, *, data: Optional[bytes] = None,
                   headers: Optional[dict] = None, auth: str = "basic", timeout: float = 30):
        """POST to the tracking API. auth: 'basic' | 'header' | 'body' | 'none'."""
        hdrs = {"Content-Type": "application/json"}
        if auth == "basic":
            hdrs["Authorization"] = basic_auth(self.write_key)
        elif auth == "header":
            hdrs["X-Write-Key"] = self.write_key
        elif auth == "body":
            assert isinstance(payload, dict)
            payload = dict(payload, writeKey=self.write_key)
        if headers:
            hdrs.update(headers)
        if data is None:
            data = json.dumps(payload).encode()
        return requests.post(self.base_url + path, data=data, headers=hdrs, timeout=timeout)

    # -- management API

    def admin_get(self, path: str, params: Optional[dict] = None) -> requests.Response:
        return self._session.get(
            self.base_url + path, params=params,
            headers={"Authorization": f"Bearer {self.admin_key}"}, timeout=30,
        )

    def admin(self, method: str, path: str, body: Any = None, params: Optional[dict] = None) -> requests.Response:
        """Any management API call with the admin key; `body` is sent as JSON."""
        return self._session.request(
            method, self.base_url + path, params=params, json=body,
            headers={"Authorization": f"Bearer {self.admin_key}"}, timeout=60,
        )

    def get_profile(self, id_type: str, value: str) -> Optional[dict]:
        r = self.admin_get("/api/v1/profiles", params={"identity": f"{id_type}:{value}"})
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise PondTestError(f"GET /api/v1/profiles -> {r.status_code} {r.text}")
        return r.json()

    def profile_by_identity(self, id_type: str, value: str, timeout: float = 20) -> dict:
        """Wait (bounded) until the profile for TYPE:VALUE exists; processing is asynchronous."""
        return wait_until(lambda: self.get_profile(id_type, value), timeout,
                          f"profile {id_type}:{value}")

    def wait_for_profile(self, id_type: str, value: str, predicate: Callable[[dict], bool],
                         what: str, timeout: float = 20) -> dict:
        def check():
            p = self.get_profile(id_type, value)
            return p if p is not None and predicate(p) else None
        try:
            return wait_until(check, timeout, f"profile {id_type}:{value} {what}")
        except PondTestError as e:
            raise PondTestError(f"{e}\nlast profile: {self.get_profile(id_type, value)}") from None

    def events(self, profile_id: Any, limit: int = 100, max_pages: int = 100) -> list:
        out, cursor = [], None
        for _ in range(max_pages):
            params = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = self.admin_get(f"/api/v1/profiles/{profile_id}/events", params=params)
            if r.status_code != 200:
                raise PondTestError(f"GET events -> {r.status_code} {r.text}")
            body = r.json()
            out.extend(body["events"])
            cursor = body.get("nextCursor")
            if not cursor:
                return out
        raise PondTestError("events pagination did not end")

    def wait_for_events(self, id_type: str, value: str, message_ids: Iterable[str],
                        timeout: float = 30) -> tuple[dict, list]:
        """Wait (bounded) until every message id is on the timeline of TYPE:VALUE's profile.

        Returns (profile, events): the events clients sent, without Pond's own timeline entries (channel
        `pond`: tag, RFM layer and lifecycle stage changes), which arrive on their own schedule. The caller
        asserts on the events (e.g. no duplicates).
        """
        wanted = set(message_ids)
        state: dict = {}

        def check():
            p = self.get_profile(id_type, value)
            if p is None:
                return None
            evs = [e for e in self.events(p["id"]) if e.get("channel") != POND_CHANNEL]
            state["profile"], state["events"] = p, evs
            return (p, evs) if wanted <= {e.get("messageId") for e in evs} else None

        try:
            return wait_until(check, timeout, f"{len(wanted)} events on {id_type}:{value}", 0.2)
        except PondTestError as e:
            seen = {e2.get("messageId") for e2 in state.get("events", [])}
            raise PondTestError(
                f"{e}\nmissing: {sorted(wanted - seen)}\nprofile: {state.get('profile')}"
            ) from None


def identities(profile: dict) -> set:
    return {(i["type"], i["value"]) for i in profile.get("identities", [])}


def message_id_counts(events: list) -> dict:
    counts: dict = {}
    for e in events:
        counts[e.get("messageId")] = counts.get(e.get("messageId"), 0) + 1
    return counts


def assert_each_once(events: list, message_ids: Iterable[str]):
    counts = message_id_counts(events)
    for mid in message_ids:
        assert counts.get(mid) == 1, f"message {mid} stored {counts.get(mid, 0)} times"
    dupes = {m: c for m, c in counts.items() if c > 1}
    assert not dupes, f"duplicated messages on the timeline: {dupes}"


# --------------------------------------------------------------------------- flaky proxy


class FlakyProxy:
    """A local HTTP proxy in front of the server that forwards each request and,
    for the first `fail_first` requests, hides the server's answer from the client:
    mode 'error' answers 503, mode 'drop' closes the connection without a response.

    The server has already received (and acknowledged) those requests, so a client
    that retries sends the same messages again: the server must not store them twice.
    """

    def __init__(self, upstream: str, fail_first: int = 1, mode: str = "error"):
        assert mode in ("error", "drop")
        self.upstream = upstream
        self.fail_first = fail_first
        self.mode = mode
        self.requests_seen = 0
        self.upstream_statuses: list = []
        self.retry_headers: list = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                fwd = {k: v for k, v in self.headers.items()
                       if k.lower() in ("content-type", "content-encoding", "authorization",
                                        "x-write-key", "user-agent", "x-retry-count")}
                with proxy._lock:
                    proxy.requests_seen += 1
                    n = proxy.requests_seen
                    proxy.retry_headers.append(self.headers.get("X-Retry-Count"))
                try:
                    r = requests.post(proxy.upstream + self.path, data=body, headers=fwd, timeout=30)
                    status, payload = r.status_code, r.content
                    ctype = r.headers.get("Content-Type", "application/json")
                except requests.RequestException as e:
                    status, payload, ctype = 502, json.dumps(
                        {"code": "proxy_error", "message": str(e)}).encode(), "application/json"
                with proxy._lock:
                    proxy.upstream_statuses.append(status)
                if n <= proxy.fail_first:
                    if proxy.mode == "drop":
                        self.close_connection = True
                        try:
                            self.connection.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
                        return
                    status, ctype = 503, "application/json"
                    payload = json.dumps({"code": "unavailable", "message": "injected by test proxy"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# --------------------------------------------------------------------------- reaching customers


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.request.method, response.request.url, response.status_code, response.text)
    return response.json()


def seed_customers(ws: Workspace, prefix: str, count: int) -> list[int]:
    """`count` customers, each identified with a user id and a phone through /v1/batch; returns their profile ids
    once stitching has made every one of them."""
    headers = {"Content-Type": "application/json", "Authorization": basic_auth(ws.write_key)}
    for start in range(0, count, 500):
        batch = [{"type": "identify", "userId": f"{prefix}-{i}", "messageId": f"{prefix}-m{i}",
                  "traits": {"phone": f"139{i:08d}", "name": f"会员{i}"}} for i in range(start, min(start + 500, count))]
        response = requests.post(ws.base_url + "/v1/batch", data=json.dumps({"batch": batch}), headers=headers, timeout=60)
        assert response.status_code == 200, response.text
    ws.profile_by_identity("user_id", f"{prefix}-{count - 1}", timeout=120)

    def all_profiles():
        ids = profile_ids(ws)
        return ids if len(ids) >= count else None

    return wait_until(all_profiles, 120, f"{count} profiles", interval=0.5)


def profile_ids(ws: Workspace) -> list[int]:
    """Every profile id of the workspace, through the paged profile list."""
    ids, after = [], None
    while True:
        params = {"limit": 200}
        if after:
            params["after"] = after
        page = ok(ws.admin_get("/api/v1/profiles", params=params))
        ids.extend(p["id"] for p in page["profiles"])
        after = page["nextCursor"]
        if not after:
            return ids


def paged(ws: Workspace, path: str, member: str, params: Optional[dict] = None) -> list[dict]:
    """Every item of a cursor-paged list (the decision log, the sandbox's deliveries), 1000 a page."""
    items, cursor = [], None
    while True:
        query = dict(params or {}, limit=1000)
        if cursor:
            query["cursor"] = cursor
        page = ok(ws.admin_get(path, params=query))
        items.extend(page[member])
        cursor = page["nextCursor"]
        if not cursor:
            return items


def decisions(ws: Workspace, origin: Optional[str] = None) -> list[dict]:
    return paged(ws, "/api/v1/dispatch/decisions", "decisions", {"origin": origin} if origin else None)


def sandbox_deliveries(ws: Workspace) -> list[dict]:
    return paged(ws, "/api/v1/sandbox/deliveries", "deliveries")


def count_by(items: Iterable[dict], key: str) -> dict:
    counts: dict = {}
    for item in items:
        counts[item[key]] = counts.get(item[key], 0) + 1
    return counts


def journey_totals(ws: Workspace, journey_id: str) -> dict:
    """A journey's stats summed over its versions: entered, in progress, exited and messages (all statuses)."""
    versions = ok(ws.admin_get(f"/api/v1/journeys/{journey_id}/stats"))["versions"]
    return {
        "entered": sum(v["entered"] for v in versions),
        "inProgress": sum(v["inProgress"] for v in versions),
        "exited": sum(sum(v["exited"].values()) for v in versions),
        "exitedBy": {reason: sum(v["exited"].get(reason, 0) for v in versions)
                     for reason in {r for v in versions for r in v["exited"]}},
        "messages": sum(m["count"] for v in versions for m in v["messages"]),
        "messagesBy": count_messages(versions),
    }


def count_messages(versions: list[dict]) -> dict:
    counts: dict = {}
    for v in versions:
        for m in v["messages"]:
            counts[(m["status"], m["reason"])] = counts.get((m["status"], m["reason"]), 0) + m["count"]
    return counts


# A service notice needs no marketing consent and is not held at night: the dispatcher lets every one go at once.
NOTICE_TEMPLATE = {"id": "notice", "name": "通知", "category": "service",
                   "bodies": {"sandbox": {"text": "{{name|您好}}，您的会员权益已更新"}}}


def care_journey(journey_id: str, delay_seconds: int = 2) -> dict:
    """send → delay → send → tag → exit, entered by hand; both sends are service notices on the sandbox."""
    send = {"type": "send_message", "template": "notice", "channel": "sandbox"}
    return {
        "id": journey_id, "name": "会员关怀", "trigger": {"type": "manual"}, "start": "first",
        "nodes": [
            {"id": "first", "type": "action", "action": send, "next": "pause"},
            {"id": "pause", "type": "delay", "seconds": delay_seconds, "next": "second"},
            {"id": "second", "type": "action", "action": send, "next": "tag"},
            {"id": "tag", "type": "action", "action": {"type": "add_tag", "tag": "cared"}, "next": "done"},
            {"id": "done", "type": "exit"},
        ],
    }


def prepare_journey(ws: Workspace, journey_id: str) -> None:
    """The notice template, the tag and `care_journey`, started (after customers with a `name` trait exist: a
    template may only name traits the workspace knows)."""
    ok(ws.admin("POST", "/api/v1/templates", NOTICE_TEMPLATE), 201)
    ok(ws.admin("POST", "/api/v1/tags", {"name": "cared"}), 201)
    ok(ws.admin("POST", "/api/v1/journeys", care_journey(journey_id)), 201)
    assert ok(ws.admin("POST", f"/api/v1/journeys/{journey_id}/start"))["status"] == "active"
