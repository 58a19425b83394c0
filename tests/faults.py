"""Private services for the fault tests and benches: a PostgreSQL cluster, a Redis
server, gunicorn, Celery workers and a webhook receiver, each in its own process on a
free loopback port, each stopped by whoever started it (``stop()``, or ``Stack.close``).

Nothing here touches the shared PostgreSQL or Redis of the machine: the faults
(``pg_ctl stop``, killing Redis, SIGKILL of a worker) hit only these private copies.
No Django import at module level: ``bench/faults.py`` starts the database before it
configures Django.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server")
#: The fault processes' settings: the project's, with DEBUG off (error pages, 503s).
SETTINGS = "tests.fault_settings"


def available() -> str | None:
    """Why the private services cannot run here (None when they can)."""
    if REDIS_SERVER is None:
        return "redis-server not installed"
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def _stop_process(process: subprocess.Popen | None, *, timeout: float = 15.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# --- PostgreSQL -----------------------------------------------------------------------


class Postgres:
    """A throw-away PostgreSQL cluster (``initdb``, trust authentication) on a free
    port; as the ``postgres`` user when this process is root (PostgreSQL refuses root)."""

    def __init__(self, root: Path):
        self.dir = root / "pg"
        self.port = free_port()
        self.log = root / "pg.log"
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        if self._as_root:
            shutil.chown(self.dir, "postgres", "postgres")
            self.dir.chmod(0o700)
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()

    def _options(self) -> str:
        # No durability needed for a throw-away cluster; the sockets live in its folder.
        return (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.dir),
            "-l",
            str(self.log),
            "-o",
            self._options(),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.dir), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def answers(self) -> bool:
        return (
            subprocess.run(
                [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                check=False,
            ).returncode
            == 0
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return self.url(name)


# --- Redis ----------------------------------------------------------------------------


class Redis:
    """A throw-away ``redis-server`` without persistence: stopping it loses its queues,
    as a Redis restarted without an append-only file does."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(self.answers, timeout=15):
            raise RuntimeError("redis-server did not start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


# --- the application's processes ------------------------------------------------------


def app_env(**extra: str) -> dict[str, str]:
    """The environment of gunicorn and the workers (``extra`` adds or overrides)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        # DEBUG=1 only for the environment's defaults (development key, plain static
        # storage, no https redirect); tests.fault_settings turns DEBUG off.
        DEBUG="1",
        CELERY_TASK_ALWAYS_EAGER="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        API_RATE_SELLER="1000000/min",
        API_RATE_COMPANY="1000000/min",
        WEBHOOK_ALLOW_PRIVATE_URLS="1",
        CONN_MAX_AGE="60",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Gunicorn:
    def __init__(self, root: Path, env: dict[str, str], *, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.workers = workers
        self.log = root / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, wait: bool = True) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        if not wait_for(self._answers, timeout=60, interval=0.2):
            raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"GET /api/v1/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return sock.recv(12).startswith(b"HTTP/")
        except OSError:
            return False

    def stop(self) -> None:
        _stop_process(self.process)
        self.process = None


class Worker:
    """``celery worker`` in its own session (``kill()`` ends it and its pool at once,
    as a killed container would)."""

    def __init__(
        self,
        root: Path,
        env: dict[str, str],
        *,
        name: str,
        queues: str,
        concurrency: int = 1,
        pool: str = "prefork",
    ):
        self.name = name
        self.env = env
        self.queues = queues
        self.concurrency = concurrency
        self.pool = pool
        self.log = root / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None
        #: Times the supervisor started it again after it exited by itself.
        self.restarts = 0
        self._wanted = False
        self._supervisor: threading.Thread | None = None

    def start(self, *, wait: bool = True) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "-n",
            f"{self.name}@%h",
            "-Q",
            self.queues,
            "--pool",
            self.pool,
            "--concurrency",
            str(self.concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wanted = True
        if self._supervisor is None:
            self._supervisor = threading.Thread(target=self._supervise, daemon=True)
            self._supervisor.start()
        if wait:
            self.wait_ready()

    def _supervise(self) -> None:
        """Start it again when it exits by itself, as ``restart: unless-stopped`` does in
        ``docker-compose.yml`` (Celery ends a worker on an "unrecoverable" broker error,
        e.g. kombu failing to acknowledge a task while Redis is gone)."""
        while True:
            time.sleep(0.5)
            process = self.process
            if not self._wanted:
                return
            if process is not None and process.poll() is not None and self._wanted:
                self.restarts += 1
                with self.log.open("a") as out:
                    out.write(f"\n--- supervisor: exited ({process.returncode}), restarting\n")
                self.start(wait=False)

    def wait_ready(self) -> None:
        if not wait_for(self.ready, timeout=90, interval=0.2):
            raise RuntimeError(f"worker {self.name} did not start: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def ready(self) -> bool:
        if self.process.poll() is not None and self.restarts == 0:
            raise RuntimeError(f"worker {self.name} exited: {self.log_text()[-2000:]}")
        return self.log_text().count(" ready.") > self.restarts

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes together."""
        self._wanted = False
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self._wanted = False
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- a webhook receiver ---------------------------------------------------------------


class Receiver:
    """An HTTP server taking webhook deliveries; ``mode``: ``ok`` answers at once,
    ``slow`` after ``delay`` seconds, ``hang`` never (until stopped). Counts the
    deliveries it answered per ``webhook-id`` and per order number."""

    def __init__(self, *, mode: str = "ok", delay: float = 1.0):
        self.mode = mode
        self.delay = delay
        self.answered: Counter = Counter()  # webhook-id -> 2xx answers
        self.received: Counter = Counter()  # webhook-id -> requests (answered or not)
        self.numbers: Counter = Counter()  # order.created: order number -> 2xx answers
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                webhook_id = self.headers.get("webhook-id", "")
                with receiver._lock:
                    receiver.received[webhook_id] += 1
                if receiver.mode == "hang":
                    receiver._stopping.wait(600)
                    return
                if receiver.mode == "slow":
                    time.sleep(receiver.delay)
                try:
                    self.send_response(204)
                    self.end_headers()
                except OSError:
                    return  # the sender gave up (a timeout, a killed worker)
                event = json.loads(body or b"{}")
                with receiver._lock:
                    receiver.answered[webhook_id] += 1
                    if event.get("type") == "order.created":
                        receiver.numbers[event["data"].get("number", "")] += 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()


# --- the emails the workers wrote -----------------------------------------------------


def emails(mail_dir: Path) -> list[str]:
    """Every message the file email backend wrote (one file per connection, messages
    separated by a line of 79 dashes)."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        text = path.read_text(errors="replace")
        messages += [m for m in text.split("\n" + "-" * 79 + "\n") if m.strip()]
    return messages


def subjects(mail_dir: Path) -> list[str]:
    found = []
    for message in emails(mail_dir):
        for line in message.splitlines():
            if line.startswith("Subject: "):
                found.append(line[len("Subject: ") :])
                break
    return found


# --- the whole stack ------------------------------------------------------------------


class Stack:
    """What a fault run starts, stopped in reverse order by ``close()``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root or tempfile.mkdtemp(prefix="mayorista-faults-"))
        if os.geteuid() == 0:
            self.root.chmod(0o755)  # the postgres user reaches its cluster folder
        self._started: list = []

    def add(self, thing):
        self._started.append(thing)
        return thing

    def close(self) -> None:
        while self._started:
            thing = self._started.pop()
            try:
                thing.stop()
            except Exception as exc:  # keep stopping the others
                print(f"faults: could not stop {thing!r}: {exc}", file=sys.stderr)
