"""The knowledge tests reuse the governance fixtures (a case of section A's system)."""

from tests.governance.conftest import case  # noqa: F401 (a fixture)
