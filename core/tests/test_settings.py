"""Production mode: refuses the development secret key; ``check --deploy`` is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests for their own process only.
    unset = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_in_production():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-value-0123456789",
        ALLOWED_HOSTS="shop.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_mode_defaults(settings):
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "es"
    assert [code for code, _ in live.LANGUAGES] == ["es", "en", "pl"]
    assert "django.middleware.locale.LocaleMiddleware" in live.MIDDLEWARE


def test_production_static_files_collect(tmp_path):
    """What the Docker image does: hashed, compressed static files with no missing reference."""
    result = run_manage(
        "collectstatic",
        "--noinput",
        "-v",
        "0",
        DEBUG="0",
        SECRET_KEY="build-only-not-secret-" + "x" * 40,
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
