"""The official RudderStack Python client (rudder-sdk-python), unmodified,
pointed at Pond.

What it sends (read from its source): POST {host}/v1/batch, JSON
{"batch": [...], "sentAt": ...} with no writeKey in the body, Authorization:
Basic base64(writeKey:), gzip ON by default (Content-Encoding: gzip), and on
every message channel = "server", integrations = {"All": true},
context.library = {"name": "analytics-python", "version": ...}. identify puts
traits under context.traits, not at the top level.
"""

from __future__ import annotations

import pytest
from rudderstack.analytics import Client

import sdk_scenarios as scenarios


def factory(ws, gzip: bool):
    def make(host: str, errors: list):
        return Client(
            write_key=ws.write_key,
            host=host,
            gzip=gzip,
            max_retries=3,
            timeout=10,
            upload_interval=0.1,
            on_error=lambda e, batch: errors.append((repr(e), len(batch))),
        )
    return make


@pytest.mark.parametrize("gzip", [True, False], ids=["gzip", "plain"])
def test_journey(pond, gzip):
    scenarios.journey(pond, factory(pond, gzip))


@pytest.mark.parametrize("mode", ["error", "drop"])
def test_retry_is_deduplicated(pond, mode):
    scenarios.retry_is_deduplicated(pond, factory(pond, gzip=True), mode)


def test_same_message_ids_from_two_clients(pond):
    scenarios.resend_from_new_client(pond, factory(pond, gzip=True))


def test_historic_timestamp(pond):
    scenarios.historic_timestamp_survives_correction(pond, factory(pond, gzip=True))
