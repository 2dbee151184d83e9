"""Real background services for tests: a private Redis server and a real
``celery -A iop worker`` process sharing the test database.

Each worker consumes its own queue, and the test process publishes to that
queue on the same broker (``publishing_to``), so parallel tests and colleagues'
workers on a shared Redis never take each other's tasks."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from iop.celery import app

BASE_DIR = Path(settings.BASE_DIR)


def wait_until(predicate, timeout=30.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` on a free loopback port, without persistence."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _answers(client), timeout=10, what="redis-server to answer")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _answers(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def database_url_for_workers():
    """The database the test is using, as a URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One ``celery -A iop worker`` process (two pool processes) for one deployment
    queue: it takes that queue, its urgent and its reports queue, or only ``take``
    (``-Q``; with the urgent queue when ``take`` is the deployment queue)."""

    def __init__(self, broker_url, queue, log_path, env=None, take=None):
        self.broker_url, self.queue, self.log_path = broker_url, queue, Path(log_path)
        self.extra_env = env or {}
        self.take = take
        self.process = None

    def start(self, timeout=60):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "iop.settings",
            "DATABASE_URL": database_url_for_workers(),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_QUEUE": self.queue,
            **self.extra_env,
        }
        name = self.take or self.queue
        command = [sys.executable, "-m", "celery", "-A", "iop", "worker", "-n", f"{name}@%h"]
        if self.take:
            command += ["-Q", self.take]
        command += ["--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        self.log_path.write_text("")
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(self._ready, timeout=timeout, interval=0.2, what=f"the worker to start (log: {self.log_path})")
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"The worker exited:\n{self.log_path.read_text()[-3000:]}")
        return " ready." in self.log_path.read_text()

    def kill(self):
        """SIGKILL the worker and its pool processes at once, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def log(self):
        return self.log_path.read_text()


@contextmanager
def publishing_to(broker_url, queue, reports_queue=None, transport_options=None):
    """Point this process's Celery app (and so ``transaction.on_commit``
    enqueues) at ``broker_url``, routing every iop task to ``queue``, urgent
    messages to its urgent twin (which a worker for ``queue`` takes, as the
    settings name it), and report renders to ``reports_queue`` when it is given.
    ``transport_options``: the broker's (the folders of a filesystem broker)."""
    conf = app.conf
    saved = {key: conf[key] for key in ("broker_url", "broker_transport_options", "task_routes")}
    routes = {"iop.tasks.*": {"queue": queue}, "clinicians.tasks.*": {"queue": queue}}
    if reports_queue:
        routes = {"clinicians.tasks.render_report": {"queue": reports_queue}, **routes}
    options = transport_options or {"visibility_timeout": 3600}
    conf.update(broker_url=broker_url, broker_transport_options=options, task_routes=routes)
    app._after_fork()  # drop pooled connections to the previous broker
    try:
        with override_settings(CELERY_URGENT_QUEUE=f"{queue}.urgent"):
            yield
    finally:
        conf.update(saved)
        app._after_fork()


def filesystem_broker(folder):
    """A filesystem broker in ``folder``: its transport options for this process,
    and the environment that gives a worker the same folders."""
    options = {"data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue")}
    options["control_folder"] = str(folder / "control")
    for path in options.values():
        os.makedirs(path, exist_ok=True)
    return options, {"CELERY_BROKER_DIR": str(folder)}


def unique_queue():
    return f"test-{uuid.uuid4().hex[:12]}"


# --- Fixtures (imported by tests/conftest.py) -----------------------------------


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL when the suite runs against a Redis, else a private redis-server."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = RedisServer().start()
    yield server.url
    server.stop()


@pytest.fixture
def private_redis():
    """A Redis of this test's own, which the test may stop and start."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start real workers: ``start_worker(broker_url, queue, take=None, **env)``;
    all are stopped before the database is flushed."""
    workers = []

    def start(broker_url, queue, take=None, **env):
        worker = Worker(broker_url, queue, tmp_path / f"worker-{len(workers)}.log", env=env, take=take)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
