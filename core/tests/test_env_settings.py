"""Settings read at import, so each case starts a fresh Python with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "a-long-random-production-secret-" + "x" * 30}

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory

request = RequestFactory().get("/portal/", HTTP_X_FORWARDED_PROTO="https")
redirect = SecurityMiddleware(lambda r: HttpResponse()).process_request(request)
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "email_backend": settings.EMAIL_BACKEND,
    "site_url": settings.SITE_URL,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", None),
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "forwarded_https_is_secure": request.is_secure(),
    "redirected_to_https": redirect is not None,
}))
"""


def probe(**env):
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests for their own process only.
    unset = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUST_PROXY_HEADERS")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_empty_variables_mean_the_defaults():
    values = probe(
        DATABASE_URL="",
        EMAIL_URL="",
        REDIS_URL="",
        SITE_URL="",
        ALLOWED_HOSTS=" ",
        **PRODUCTION,
        SECURE_HSTS_SECONDS="",
    )
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["site_url"] == "http://localhost:8000"
    assert "localhost" in values["allowed_hosts"]
    assert values["hsts"] == 60 * 60 * 24 * 365


def test_set_variables_still_win():
    values = probe(SITE_URL="https://shop.example.com", EMAIL_URL="dummymail://")
    assert values["site_url"] == "https://shop.example.com"
    assert values["email_backend"] == "django.core.mail.backends.dummy.EmailBackend"


def test_forwarded_proto_is_not_trusted_by_default_in_production():
    values = probe(**PRODUCTION)
    assert values["proxy_header"] is None
    assert values["forwarded_https_is_secure"] is False
    assert values["redirected_to_https"] is True


@pytest.mark.parametrize("debug", ["0", "1"])
def test_forwarded_proto_is_trusted_behind_the_proxy(debug):
    values = probe(**{**PRODUCTION, "DEBUG": debug}, TRUST_PROXY_HEADERS="1")
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["forwarded_https_is_secure"] is True
    assert values["redirected_to_https"] is False


def run_make(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    environment.update(env)
    # -n: print the commands of `make run` without running them.
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_links_follow_the_port():
    commands = run_make("PORT=8101")
    seed = next(line for line in commands if "seed_demo" in line)
    serve = next(line for line in commands if "runserver" in line)
    assert "SITE_URL=http://localhost:8101 " in seed
    assert "SITE_URL=http://localhost:8101 " in serve
    assert serve.endswith("0.0.0.0:8101")


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"SITE_URL": "https://demo.example"}, "https://demo.example"), ({"SITE_URL": ""}, None)],
)
def test_make_run_keeps_a_set_site_url(env, expected):
    serve = next(line for line in run_make("PORT=8102", **env) if "runserver" in line)
    assert f"SITE_URL={expected or 'http://localhost:8102'} " in serve


def test_seed_demo_prints_links_to_site_url(monkeypatch, settings):
    import io
    import types

    from django.core.management import call_command

    from core.management.commands import seed_demo

    fake = types.ModuleType("fake_demo")
    fake.seed = lambda: [("manager", "manager@example.com")]
    monkeypatch.setitem(sys.modules, "fake_demo", fake)
    monkeypatch.setattr(seed_demo, "demo_modules", lambda: [fake])
    settings.SITE_URL = "http://localhost:8101"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "http://localhost:8101/backoffice/" in out.getvalue()
    assert "http://localhost:8101/portal/" in out.getvalue()
    assert "8000" not in out.getvalue()
