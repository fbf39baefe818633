"""The official Segment Python client (segment-analytics-python), unmodified,
pointed at Pond.

What it sends (read from its source): POST {host}/v1/batch, JSON
{"batch": [...], "sentAt": ..., "writeKey": ...}, Authorization: Basic
base64(writeKey:), Content-Encoding: gzip when gzip=True, X-Retry-Count on
retries, context.library = {"name": "analytics-python", "version": ...};
identify traits at the top level of the message.
"""

from __future__ import annotations

import pytest
from segment.analytics import Client

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


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_journey(pond, gzip):
    scenarios.journey(pond, factory(pond, gzip))


@pytest.mark.parametrize("mode", ["error", "drop"])
def test_retry_is_deduplicated(pond, mode):
    proxy = scenarios.retry_is_deduplicated(pond, factory(pond, gzip=True), mode)
    assert proxy.retry_headers[0] is None
    assert proxy.retry_headers[1] == "1"


def test_same_message_ids_from_two_clients(pond):
    scenarios.resend_from_new_client(pond, factory(pond, gzip=False))


def test_historic_timestamp(pond):
    scenarios.historic_timestamp_survives_correction(pond, factory(pond, gzip=False))
