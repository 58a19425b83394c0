"""Slow clients against nginx (deploy/nginx.conf.template) in front of a real gunicorn.

gunicorn's sync workers serve one connection each for as long as the client takes to
send it: two clients that announce a body and trickle it hold both workers. nginx reads
whole requests before passing them on, so a third client is answered at once. The same
test against gunicorn directly proves it measures that: there the third one waits.

Runs Debian's nginx (`make nginx`, or installed here when ``CI`` is set) and gunicorn
in their own processes on free loopback ports. The page requested needs no database;
gunicorn still gets the test database (PostgreSQL) or an empty SQLite file.
"""

import os
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
PAGE = "/portal/login/"
ANSWER_WITHIN = 2.0  # seconds

pytestmark = [pytest.mark.proxy, pytest.mark.django_db]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
    )
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=300, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "nginx-light"], env=env, timeout=300, check=True
        )
        found = shutil.which("nginx") or "/usr/sbin/nginx"
        if os.path.exists(found):
            return found
        pytest.fail("nginx is still missing after apt-get install nginx-light")
    pytest.skip("nginx is not installed: run `make nginx` (apt-get install nginx-light)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(folder: Path) -> str:
    if connection.vendor == "postgresql":
        from tests.worker import database_url as test_database

        return test_database()
    return f"sqlite:///{folder / 'empty.sqlite3'}"


def wait_until_serving(port: int, process: subprocess.Popen, log: Path, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if get(port, timeout=5.0).startswith("HTTP/1.1 200"):
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"not serving on {port} after {timeout} s:\n{log.read_text()[-3000:]}")


def get(port: int, timeout: float) -> str:
    """The status line of ``GET PAGE``, or an OSError (socket.timeout) after ``timeout``."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(
            f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n", 1)[0].decode()


def slow_posts(port: int, count: int = 2) -> list[socket.socket]:
    """``count`` anonymous POSTs that announce 100 bytes of body and send 2. With a
    well-formed CSRF cookie (anyone can make one up) the CSRF check reads the form, so
    the worker waits for the body; without it the request is refused before that."""
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(
            (
                f"POST {PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Cookie: csrftoken={'a' * 32}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100\r\n\r\nus"
            ).encode()
        )
        sockets.append(s)
    time.sleep(1.0)  # let each reach a worker (directly) or nginx
    return sockets


def stop(process: subprocess.Popen):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def workdir():
    # Not pytest's tmp_path: nginx's workers (user nobody when run as root) must reach
    # their temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="mayorista-proxy-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def gunicorn(workdir):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=database_url(workdir))
    log = workdir / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync"]
    command += ["--timeout", "30", "--graceful-timeout", "2"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, process, log, timeout=90)
        yield port
    finally:
        stop(process)


@pytest.fixture
def nginx(gunicorn, workdir):
    binary = nginx_binary()
    port = free_port()
    site = string.Template(TEMPLATE.read_text()).safe_substitute(
        MAYORISTA_UPSTREAM=f"127.0.0.1:{gunicorn}", MAYORISTA_LISTEN=f"127.0.0.1:{port}"
    )
    (workdir / "site.conf").write_text(site)
    # What the official image's /etc/nginx/nginx.conf provides around the site file.
    temp_paths = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (workdir / "nginx.conf").write_text(
        f"""worker_processes 1;
daemon off;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} info;
events {{ worker_connections 64; }}
http {{
    access_log {workdir / "access.log"};
{temp_paths}
    include {workdir / "site.conf"};
}}
"""
    )
    log = workdir / "nginx.out"
    command = [binary, "-p", str(workdir), "-e", str(workdir / "error.log")]
    command += ["-c", str(workdir / "nginx.conf")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, process, workdir / "error.log", timeout=20)
        yield port
    finally:
        stop(process)


def answered_at_once(port: int) -> bool:
    started = time.monotonic()
    try:
        status = get(port, timeout=ANSWER_WITHIN)
    except OSError:
        return False
    return status.startswith("HTTP/1.1 200") and time.monotonic() - started < ANSWER_WITHIN


def test_slow_clients_stall_gunicorn_alone(gunicorn):
    """The measurement itself: without the proxy, two slow clients hold both workers."""
    slow = slow_posts(gunicorn)
    try:
        assert not answered_at_once(gunicorn)
    finally:
        for s in slow:
            s.close()
    # Their connections closed, the workers are free again.
    deadline = time.monotonic() + 15
    while not answered_at_once(gunicorn):
        assert time.monotonic() < deadline, "gunicorn did not recover"


def test_slow_clients_do_not_stall_the_server_behind_nginx(nginx):
    slow = slow_posts(nginx)
    try:
        for _ in range(3):
            assert answered_at_once(nginx)
    finally:
        for s in slow:
            s.close()


def test_proxy_refuses_bodies_above_the_app_limit(nginx):
    with socket.create_connection(("127.0.0.1", nginx), timeout=5) as s:
        s.sendall(
            (
                f"POST {PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{nginx}\r\nConnection: close\r\n"
                f"Content-Length: {4 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        assert s.recv(4096).split(b"\r\n", 1)[0] == b"HTTP/1.1 413 Request Entity Too Large"
