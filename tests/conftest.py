"""Browser tests: Playwright drives Debian's Chromium (no downloaded browser)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make chromium` (apt-get install chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; the live server's ORM
    # calls happen in other threads, the test's own factory calls here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect

    # Assertions wait as long as actions (15 s): on a loaded CI machine a page after a
    # form post can take longer than expect's default 5 s to arrive.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def worker(tmp_path):
    """Starts ``celery worker`` in its own process on the test database; yields the
    folder its emails are written to. Use with ``tests.worker.WORKER_MARKS``."""
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    from config.celery import app as celery_app

    from .worker import database_url

    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += ["--pool", "solo", "--loglevel", "info", "--queues", "celery,webhooks"]

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # Four slashes: django-environ reads the path after "filemail:///" as relative.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    celery_app.control.purge()
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # The web side of the test sends to Redis instead of running tasks in-process.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        print(log_path.read_text()[-3000:])  # shown by pytest when the test fails


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # Earlier transactional tests flush the tables: content types come back with new
    # ids, so the process-wide cache must not hand out the old ones.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()
