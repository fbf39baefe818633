"""Fixtures that run the real `pond` binary against each storage backend.

- `pond_server` (session scope, one per backend): a `pond serve` process on a free
  port. SQLite: a fresh file. Postgres: a fresh database `pond_sdk_<random>` on the
  cluster named by POND_TEST_POSTGRES_URL, dropped afterwards.
- `pond` (per test): a new workspace on that server, so tests never see each
  other's data. It has base_url, write_key, admin_key and profile_by_identity().
- `server_factory` (per test): start servers of your own (the crash test kills them).

Backends: `sqlite` always; `postgres` when POND_TEST_POSTGRES_URL is set. With
POND_REQUIRE_POSTGRES=1 a missing URL fails the Postgres tests instead of skipping.
A failing test gets the tail of every involved server's stderr in its report.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pondtest import PondServer, PostgresDatabase, PondTestError, Workspace

BACKENDS = ["sqlite", "postgres"]


def _postgres_url_or_skip() -> str:
    url = os.environ.get("POND_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    if os.environ.get("POND_REQUIRE_POSTGRES") == "1":
        pytest.fail("POND_REQUIRE_POSTGRES=1 but POND_TEST_POSTGRES_URL is not set "
                    "(scripts/test starts a cluster with scripts/postgres-up)", pytrace=False)
    pytest.skip("POND_TEST_POSTGRES_URL not set")


class ServerFactory:
    """Starts servers on fresh databases and cleans everything up at the end."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.servers: list[PondServer] = []
        self._databases: list[PostgresDatabase] = []
        self._n = 0

    def database(self, backend: str) -> str:
        """A `--database` argument naming a new, empty database."""
        self._n += 1
        if backend == "sqlite":
            return f"sqlite:{self.workdir / f'pond-{self._n}.sqlite'}"
        if backend == "postgres":
            db = PostgresDatabase(_postgres_url_or_skip())
            self._databases.append(db)
            return db.url
        raise ValueError(backend)

    def start(self, database: str, label: str, extra_args: tuple = ()) -> PondServer:
        server = PondServer(database, self.workdir, label, extra_args)
        self.servers.append(server)
        return server.start()

    def close(self):
        for s in self.servers:
            s.stop()
        errors = []
        for db in self._databases:
            try:
                db.drop()
            except PondTestError as e:
                errors.append(str(e))
        if errors:
            raise PondTestError("\n".join(errors))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    if request.param == "postgres":
        _postgres_url_or_skip()
    return request.param


@pytest.fixture(scope="session")
def pond_server(backend, tmp_path_factory):
    factory = ServerFactory(tmp_path_factory.mktemp(f"pond-{backend}"))
    try:
        yield factory.start(factory.database(backend), f"{backend}-shared")
    finally:
        factory.close()


@pytest.fixture
def pond(pond_server) -> Workspace:
    pond_server.assert_healthy()
    return pond_server.create_workspace()


@pytest.fixture
def server_factory(tmp_path):
    factory = ServerFactory(tmp_path)
    try:
        yield factory
    finally:
        factory.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    servers: list[PondServer] = []
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, PondServer):
            servers.append(value)
        elif isinstance(value, Workspace):
            servers.append(value.server)
        elif isinstance(value, ServerFactory):
            servers.extend(value.servers)
    seen = set()
    for s in servers:
        if id(s) in seen:
            continue
        seen.add(id(s))
        report.sections.append((f"pond server stderr ({s.label}, {s.log_path})", s.log_tail(150)))
