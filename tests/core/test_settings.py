"""Settings from the environment: production mode needs its own secret."""

from __future__ import annotations

import os
import subprocess
import sys


def _import_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "daicho.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_mode_without_a_secret_key_refuses_to_start(tmp_path):
    result = _import_settings(
        DAICHO_PRODUCTION="1", DAICHO_SECRET_KEY="", DAICHO_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "DAICHO_SECRET_KEY" in result.stderr


def test_the_embedded_default_generates_and_keeps_a_secret(tmp_path):
    env = {"DAICHO_VAR_DIR": str(tmp_path), "DAICHO_SECRET_KEY": ""}
    assert _import_settings(**env).returncode == 0
    first = (tmp_path / "secret_key").read_text()
    assert len(first) > 40
    assert _import_settings(**env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == first
