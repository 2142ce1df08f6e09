"""schemathesis against /api/v1/openapi.json: every operation, a bounded number of generated
requests each (DAICHO_SCHEMATHESIS_EXAMPLES, default 5), with a read-write token of the IT
policy division — zero server errors, and every answer valid against the documented schema
(status codes, content types, bodies).

Two of schemathesis' checks are left out on purpose: `ignored_auth` (the API takes a bearer token
*or* a session, so a generated bad cookie beside a good token is rightly accepted; the permission
matrix tests authentication), and `positive_data_acceptance` (list filters are documented as
strings, like the web forms' query strings, and a value that is not a valid choice or number is
answered 422 naming the field — by design).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, positive_data_acceptance

from daicho.api import api
from daicho.core.models import TokenScope

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
EXAMPLES = int(os.environ.get("DAICHO_SCHEMATHESIS_EXAMPLES", 5))


@pytest.fixture
def wsgi_app():
    """Daicho's WSGI application, keeping the test's database connection open between requests
    (as Django's own test client does; on PostgreSQL closing it would end the test's
    transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from daicho.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def write_token(world):
    from daicho.core.services import token_create

    return token_create(user=world.policy, scope=TokenScope.WRITE)[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_api_operation_answers_within_its_schema(case, wsgi_app, write_token):
    response = case.call(app=wsgi_app, headers={"Authorization": f"Bearer {write_token}"})
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])


def test_the_openapi_document_describes_the_error_answers(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/systems"]["get"]
    assert {"401", "404", "422", "429"} <= set(operation["responses"])
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]
