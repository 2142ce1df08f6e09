"""The application's long-lived objects are kept out of the garbage collector's full
collections once a process has served a request (issue #18: the single slow requests of
bench/pages.py were full collections walking them all)."""

from __future__ import annotations

import gc


def test_the_heap_is_frozen_once_a_request_is_served(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert gc.get_freeze_count() > 10_000
