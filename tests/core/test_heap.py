"""The application's long-lived objects are kept out of the garbage collector's full
collections once a process has served a request (issue #18: the single slow requests of
bench/pages.py were full collections walking them all)."""

from __future__ import annotations

import gc


def test_the_heap_is_frozen_once_a_request_is_served(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert gc.get_freeze_count() > 10_000


def test_an_import_leaves_the_heap_frozen(client, world, capsys, tmp_path):
    """An import freezes the objects older than it while it runs and thaws them after: the
    server's heap must not stay thawed (regression: every import undid the freeze)."""
    from tests.core.test_import import run, write

    client.get("/healthz")
    text = "システムID,システム名,所管部局,所管課\nS0100,河川情報システム,総務部,情報政策課\n"
    code, _out, err = run(
        capsys, "import", "systems", "--org", "330001", write(tmp_path, "s.csv", text)
    )
    assert code == 0, err
    assert gc.get_freeze_count() > 10_000
