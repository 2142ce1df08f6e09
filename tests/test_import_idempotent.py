"""Every kind's export imports back unchanged, as CSV (Japanese headers and choice names, and
with --codes the canonical ones) and as XLSX, however often it is imported.

The demo (every area filled) is loaded once for this module, inside a transaction rolled back at
the end; each test exports one kind with `daicho export` and imports the file twice: neither run
creates, updates or rejects a row, and neither writes an audit event.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from daicho.core.importing import engine
from daicho.core.models import AuditEvent, Organisation, User
from tests.test_import_office_files import excluded_kinds


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--no-migrate", stdout=io.StringIO())
        yield Organisation.objects.get(code="330001")
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db

KINDS = sorted(set(engine.kinds()) - excluded_kinds())
#: Kinds whose demo records are another organisation's than the prefecture's, and the user of
#: that organisation who exports them (the demo also holds municipalities' own ledgers).
ORGANISATION_OF = {"standardisation": ("332020", "kurashiki")}  # standardisation/demo.py


@pytest.mark.parametrize("fmt", ["csv", "csv-codes", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_an_export_imports_back_twice_with_no_change(demo, tmp_path, kind, fmt):
    code, username = ORGANISATION_OF.get(kind, ("330001", "policy"))
    organisation = Organisation.objects.get(code=code)
    user = User.objects.get(username=username)
    records = engine.kinds()[kind].export_queryset(user).count()
    assert records > 0, f"the demo has no {kind}: this test would prove nothing"
    path = tmp_path / f"{kind}.{fmt.split('-')[0]}"
    codes = ["--codes"] if fmt == "csv-codes" else []
    call_command("export", kind, "-o", str(path), "--as", username, *codes, stderr=io.StringIO())
    events = AuditEvent.objects.count()
    for run in ("first", "second"):
        result = engine.run(kind=kind, source=str(path), organisation=organisation)
        batch = result.batch
        assert not result.problems, (run, [p.as_dict() for p in result.problems[:5]])
        assert batch.status == "applied"
        assert (batch.created, batch.updated, batch.unchanged, batch.rejected) == (
            0,
            0,
            records,
            0,
        ), run
        assert batch.created_refs == {}
        assert AuditEvent.objects.count() == events, run
