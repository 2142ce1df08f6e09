"""Reads that may be a little behind go to a PostgreSQL read replica (DAICHO_REPLICA_URL).

Only reads inside `replica_reads()` go there: the middleware opens it for GET requests to the
API and the reports (DAICHO_REPLICA_PATHS); everything else, every write, and every read inside
a transaction or after the request has written stays on the primary, so nobody reads a stale
copy of what they just saved.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
# Sign-in state is read where it was just written: a session or token made a moment ago may not
# have reached the replica yet; the shared cache (rate limits) counts on the primary.
PRIMARY_ONLY = {"sessions", "axes", "otp_totp", "django_otp", "contenttypes", "django_cache"}
PRIMARY_MODELS = {"core.apitoken", "core.user", "core.membership"}
_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("daicho_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let reads in this block use the replica (until the first write)."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


class ReadReplicaRouter:
    """Primary for writes, migrations and anything transactional; the replica for allowed reads."""

    @staticmethod
    def _sign_in_state(model) -> bool:
        return model._meta.app_label in PRIMARY_ONLY or model._meta.label_lower in PRIMARY_MODELS

    def db_for_read(self, model, **hints):
        if (
            _allowed.get()
            and not self._sign_in_state(model)
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        if not self._sign_in_state(model):  # (a token's use count is bookkeeping, not data)
            _allowed.set(False)  # read your own writes for the rest of the request
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema by replication (any other database, such as
        # `daicho transfer`'s target, is migrated as usual).
        return db != REPLICA


class ReplicaReadsMiddleware:
    """GET requests under DAICHO_REPLICA_PATHS read from the replica, when one is configured."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.paths = tuple(settings.DAICHO_REPLICA_PATHS)

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(self.paths):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
