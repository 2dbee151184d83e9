"""Reminder delivery throughput: messages delivered per second by one worker
(prefork, two processes) against no-op tasks per second on the same broker,
for the filesystem broker and Redis.

    .venv/bin/python bench/reminders.py [-n 300] [--rounds 3]

Rounds alternate the brokers (filesystem, Redis, filesystem, ...) so both see
the same load on a shared machine; the last table holds the medians. The CPU
columns are the worker's own CPU time (main and pool processes) per task, the
steadiest figure when other work shares the machine.

Uses a throw-away SQLite database and mail folder (or DATABASE_URL if set; its
bench rows are removed afterwards), REDIS_URL if set or else a private
redis-server. A delivery is the real path: claim, consent and quiet-hour
checks, the file email backend, marking sent."""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
WORK = Path(tempfile.mkdtemp(prefix="iop-bench-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "iop.settings",
        "IOP_VAR_DIR": str(WORK),
        "EMAIL_URL": f"filemail://{WORK / 'mail'}",
        "LOG_LEVEL": "WARNING",
        # As in production: with DEBUG on, Django's cursor also logs each query's
        # SQL, about a fifth of a delivery's time on PostgreSQL.
        "DEBUG": "false",
    }
)
for variable in ("CELERY_BROKER_URL", "CELERY_QUEUE"):
    os.environ.pop(variable, None)
# This process publishes to both brokers; with REDIS_URL in its settings it
# would carry Redis transport options to the filesystem broker too.
REDIS_URL = os.environ.pop("REDIS_URL", "")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from iop.celery import app  # noqa: E402
from iop.models import OutboxMessage  # noqa: E402
from tests.worker import RedisServer, Worker, unique_queue, wait_until  # noqa: E402

NOOP = "celery.accumulate"  # Celery's built-in task that returns its arguments
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(pid):
    """User and system CPU time of the worker and its pool processes so far (from /proc):
    steadier than rates when other work shares the machine."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            # The fields after the command name: state, ppid, ..., utime and stime at 11 and 12.
            fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def publish(broker_url, queue, name, argument_lists):
    with app.connection_for_write(broker_url) as connection:
        for args in argument_lists:
            app.send_task(name, args=args, queue=queue, connection=connection)


def run(broker_url, label, count):
    queue = unique_queue()
    # A message worker: the deployment queue only, as docker-compose.yml's "worker".
    worker = Worker(broker_url, queue, WORK / f"worker-{label}.log", env={"LOG_LEVEL": "INFO"}, take=queue).start()
    try:
        started, cpu = time.perf_counter(), worker_cpu_seconds(worker.process.pid)
        publish(broker_url, queue, NOOP, [(i,) for i in range(count)])
        wait_until(lambda: worker.log.count(f"{NOOP}[") >= 2 * count, timeout=600, interval=0.05, what="no-ops")
        noop_rate = count / (time.perf_counter() - started)
        noop_cpu = (worker_cpu_seconds(worker.process.pid) - cpu) * 1000 / count

        messages = OutboxMessage.objects.bulk_create(
            OutboxMessage(
                idempotency_key=f"bench:{queue}:{i}",
                kind="bench",
                to_address=f"person{i}@example.test",
                body="Group tonight 17:30-20:30 at the clinic.",
                urgent=True,  # so quiet hours never hold the run
            )
            for i in range(count)
        )
        ids = (
            [m.pk for m in messages]
            if messages[0].pk
            else list(
                OutboxMessage.objects.filter(idempotency_key__startswith=f"bench:{queue}:").values_list("pk", flat=True)
            )
        )
        sent = OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.SENT)
        started, cpu = time.perf_counter(), worker_cpu_seconds(worker.process.pid)
        publish(broker_url, queue, "iop.tasks.deliver_message", [(pk,) for pk in ids])
        wait_until(lambda: sent.count() == count, timeout=600, interval=0.05, what="deliveries")
        delivery_rate = count / (time.perf_counter() - started)
        delivery_cpu = (worker_cpu_seconds(worker.process.pid) - cpu) * 1000 / count
        OutboxMessage.objects.filter(pk__in=ids).delete()
    finally:
        worker.stop()
    return noop_rate, delivery_rate, noop_cpu, delivery_cpu


def format_row(row):
    noop_rate, delivery_rate, ratio, noop_cpu, delivery_cpu = row
    return f"{noop_rate:>16.0f}{delivery_rate:>16.0f}{ratio:>16.2f}{noop_cpu:>16.2f}{delivery_cpu:>16.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    count = options.count
    call_command("migrate", verbosity=0)
    (WORK / "broker" / "queue").mkdir(parents=True, exist_ok=True)
    (WORK / "broker" / "control").mkdir(parents=True, exist_ok=True)
    redis_server = None
    redis_url = REDIS_URL
    if not redis_url:
        redis_server = RedisServer().start()
        redis_url = redis_server.url
    print(f"{count} tasks each; one worker, prefork, 2 processes; database: {django.db.connection.vendor}")
    header = ("no-op tasks/s", "deliveries/s", "ratio", "CPU ms/no-op", "CPU ms/delivery")
    print(f"{'round':<6} {'broker':<11}" + "".join(f"{title:>16}" for title in header))
    results = {"filesystem": [], "redis": []}
    try:
        for round_number in range(1, options.rounds + 1):
            for label, url in (("filesystem", "filesystem://"), ("redis", redis_url)):
                noop_rate, delivery_rate, noop_cpu, delivery_cpu = run(url, label, count)
                row = (noop_rate, delivery_rate, delivery_rate / noop_rate, noop_cpu, delivery_cpu)
                results[label].append(row)
                print(f"{round_number:<6} {label:<11}" + format_row(row))
        print(f"median of {options.rounds}")
        for label, rows in results.items():
            print(
                f"{'':<6} {label:<11}" + format_row([statistics.median(column) for column in zip(*rows, strict=True)])
            )
    finally:
        if redis_server:
            redis_server.stop()
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
