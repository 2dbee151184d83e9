"""Page benchmark: throughput and latency of each role's main pages under
gunicorn + PostgreSQL, next to two reference pages served by the same app, and
the time to generate a year of evenings for 20 cohorts.

    make bench
    .venv/bin/python bench/run.py [--seconds 5] [--rounds 3] [--connections 4] [--workers 4] [--pages chart,week]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/iop_bench) and
builds the benchmark clinic there first if it is not built (bench/build_clinic.py).
Load comes from wrk when it is installed, otherwise from a Python generator
(threads, keep-alive connections); ``--python-load`` forces the latter.

Each page's ratio is its requests per second over the minimal page's (target:
at least 0.5); its query count is that of one request. ``--reminders`` also
runs bench/reminders.py (reminder deliveries per second against no-op tasks).
Run on demand; nothing here takes part in the test suite's pass/fail."""

import argparse
import datetime
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iop_bench"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("LOG_LEVEL", "WARNING")

HOST = "127.0.0.1"
TARGET_RATIO = 0.5
TARGET_GENERATION_SECONDS = 2.0
REFERENCE = "minimal page (50 rows)"
ROLES = ("clinician", "admin", "family")


@dataclass
class Page:
    """One page to measure: a URL name (the first of ``routes`` that exists), the
    role that opens it, and how to find its URL arguments in the built clinic."""

    label: str
    routes: tuple
    role: str | None
    args: str | None = None  # "client": the first active client of cohort 1
    extra_args: tuple = ()  # after the object's key: a chart tab's name
    query: str = ""
    reference: bool = False


PAGES = [
    Page("bare view", ("bench_bare",), None, reference=True),
    Page(REFERENCE, ("bench_minimal",), "clinician", reference=True),
    # The same 50 rows in the app's layout, per role: what a page costs before its content.
    *(Page(f"layout page ({role})", ("bench_layout",), role, reference=True) for role in ROLES),
    Page("clinician home", ("clinician_home",), "clinician"),
    Page("tonight's group", ("clinicians:tonight", "groups:tonight", "tonight"), "clinician"),
    Page("client chart", ("clinicians:chart",), "clinician", args="client"),
    # The tab that reads the most: the plan with its objectives, interventions, reviews.
    Page("client chart, plan tab", ("clinicians:chart_section",), "clinician", args="client", extra_args=("plan",)),
    Page("caseload", ("clinicians:caseload",), "clinician"),
    Page("client list", ("client_list",), "clinician"),
    Page("admin home", ("admin_home",), "admin"),
    Page("admin week calendar", ("groups:week",), "admin"),
    Page("family portal home", ("families:home",), "family"),
    Page("audit report", ("audit_log",), "admin"),
    Page("delivery log", ("delivery_log",), "admin"),
]
# Pages whose URL name is not there yet (another branch adds them) are listed as skipped.


def setup_django():
    import django

    django.setup()


def build_clinic_if_missing():
    from bench import build_clinic

    build_clinic.main([])


def resolve(page, objects):
    from django.urls import NoReverseMatch, reverse

    args = [objects[page.args].pk, *page.extra_args] if page.args else []
    for route in page.routes:
        try:
            return reverse(route, args=args) + page.query
        except NoReverseMatch:
            continue
    return None


def clinic_objects():
    from bench import build_clinic
    from iop.models import User

    users = {
        "clinician": User.objects.get(email=build_clinic.CLINICIAN_LOGIN),
        "admin": User.objects.get(email=build_clinic.ADMIN_LOGIN),
        "family": User.objects.get(email=build_clinic.FAMILY_LOGIN),
    }
    return users, {"client": users["family"].family_links.get().client}


def session_cookies(users):
    """A real session for each role, stored where gunicorn's workers read it."""
    from django.conf import settings
    from django.test import Client as TestClient

    cookies = {None: ""}
    for role, user in users.items():
        browser = TestClient()
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def count_queries(url, user, repeats=7):
    """(status, queries, CPU ms) of one request made in this process through the full
    stack; the CPU time (median of ``repeats``) leaves out the database server and
    whatever else the machine is running."""
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    browser = TestClient()
    if user is not None:
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    browser.get(url)  # warm caches (content types, the program row) as a running worker has them
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    queries = len(captured)  # now: each request clears the connection's query log
    cpu = []
    for _ in range(repeats):
        started = time.process_time()
        browser.get(url)
        cpu.append((time.process_time() - started) * 1000)
    return response.status_code, queries, statistics.median(cpu)


def generation_seconds(repeats=3):
    """Best and median time to generate a year of evenings for 20 new cohorts (each
    run rolled back), the best CPU time of this process, and the number of evenings."""
    from django.db import transaction
    from django.utils import timezone

    from groups import schedule
    from groups.models import Cohort
    from iop.models import User

    lead = User.objects.filter(role="clinician").first()
    today = timezone.localdate()
    times, cpu = [], []
    for run in range(repeats):
        with transaction.atomic():
            cohorts = Cohort.objects.bulk_create(
                Cohort(
                    name=f"Year run {run} cohort {n}",
                    slug=f"year-run-{run}-{n}",
                    age_min=11,
                    age_max=13,
                    room=f"Year room {n}",
                    lead_clinician=lead,
                    active_from=today,
                    family_group_weekday=2,
                    family_group_start=datetime.time(19, 30),
                )
                for n in range(20)
            )
            started, started_cpu = time.perf_counter(), time.process_time()
            result = schedule.generate_all(cohorts, today, today + datetime.timedelta(days=364))
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            transaction.set_rollback(True)
    return min(times), statistics.median(times), min(cpu), result.created


# --- Load ------------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %f %f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def wrk_load(url, cookie, seconds, connections, script):
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, micros, p50, p95, errors = line.split()[1:]
    return Load(int(requests), int(micros) / 1e6, float(p50) / 1000, float(p95) / 1000, int(errors))


def python_load(url, cookie, seconds, connections):
    """Threads, each with its own keep-alive connection, requesting until the time is up."""
    path = url.split(f"{HOST}:", 1)[1].split("/", 1)[1]
    port = int(url.split(f"{HOST}:", 1)[1].split("/", 1)[0])
    headers = {"Cookie": cookie} if cookie else {}
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", "/" + path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if not latencies:
        return Load(0, elapsed, 0.0, 0.0, errors[0])
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Load(len(latencies), elapsed, cuts[49] * 1000, cuts[94] * 1000, errors[0])


@dataclass
class Figures:
    rate: float
    p50_ms: float
    p95_ms: float
    errors: int


def median_load(loads):
    """The median of each figure over the rounds (pages are measured in turn, so a
    busy moment on a shared machine weighs on one round, not on one page)."""
    return Figures(
        rate=statistics.median(load.rate for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p95_ms=statistics.median(load.p95_ms for load in loads),
        errors=sum(load.errors for load in loads),
    )


def median_ratio(loads, reference_loads):
    """The median over the rounds of the page's rate over the reference's in the same round."""
    if not reference_loads:
        return 0.0
    pairs = [(a.rate, b.rate) for a, b in zip(loads, reference_loads, strict=True) if b.rate]
    return statistics.median(a / b for a, b in pairs) if pairs else 0.0


class Gunicorn:
    def __init__(self, port, workers, log):
        self.port, self.workers, self.log = port, workers, log

    def __enter__(self):
        binary = Path(sys.executable).with_name("gunicorn")
        command = [
            str(binary),
            "iop.wsgi:application",
            "-b",
            f"{HOST}:{self.port}",
            "-w",
            str(self.workers),
            "--preload",
        ]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning"],
            cwd=BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
            if self.process.poll() is not None:
                break
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start on port {self.port}; see {self.log.name}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- Report ------------------------------------------------------------------------------------


def print_table(rows):
    """``rows``: (page, [Load per round] or None, (queries, CPU ms), note, [the minimal
    page's Load just before the page, per round] or None)."""
    by_label = {page.label: loads for page, loads, *_rest in rows if loads}
    print(
        f"{'page':<24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'/layout':>7} {'queries':>7} "
        f"{'CPU ms':>7} {'errors':>6}  target (ratio >= {TARGET_RATIO})"
    )
    for page, loads, measures, note, references in rows:
        if loads is None:
            print(f"{page.label:<24} {note}")
            continue
        load, (queries, cpu) = median_load(loads), measures
        ratio = median_ratio(loads, references or by_label.get(REFERENCE) or [])
        layout = by_label.get(f"layout page ({page.role})")
        by_layout = f"{median_ratio(loads, layout):>7.2f}" if layout and not page.reference else f"{'':>7}"
        verdict = "reference" if page.reference else "ok" if ratio >= TARGET_RATIO else "MISSED"
        print(
            f"{page.label:<24} {load.rate:>7.1f} {load.p50_ms:>7.1f} {load.p95_ms:>7.1f} {ratio:>6.2f} {by_layout} "
            f"{queries:>7} {cpu:>7.1f} {load.errors:>6}  {verdict}{note}"
        )
    print(
        "\nEach figure is the median over the rounds; a ratio is taken within each round. ratio: requests/s "
        "over the minimal page's, measured again just before the page; /layout: over the layout page of the "
        "same role; CPU ms: one request in-process (median of 7), without the database server's share."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="measuring time per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all pages; each figure is the median")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8104)))
    parser.add_argument("--pages", default="", help="comma-separated words; only pages whose label has one")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk is here")
    parser.add_argument("--reminders", action="store_true", help="also run bench/reminders.py")
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("The page benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")

    build_clinic_if_missing()
    setup_django()
    from django.db import connection

    users, objects = clinic_objects()
    wanted = [word.strip() for word in args.pages.split(",") if word.strip()]
    pages = [p for p in PAGES if p.reference or not wanted or any(w in p.label for w in wanted)]

    cookies = session_cookies(users)
    plan = []
    for page in pages:
        url = resolve(page, objects)
        if url is None:
            plan.append((page, None, None, "skipped: no such page on this branch yet"))
            continue
        status, queries, cpu = count_queries(url, users.get(page.role))
        note = "" if status == 200 else f" (status {status})"
        plan.append((page, url, (queries, cpu), note))
    connection.close()

    use_wrk = shutil.which("wrk") and not args.python_load
    print(f"Database {connection.settings_dict['NAME']} on PostgreSQL; gunicorn, {args.workers} sync workers;")
    print(
        f"load: {'wrk' if use_wrk else 'Python threads'}, {args.connections} connections, {args.rounds} rounds of "
        f"{args.warmup} s warm-up + {args.seconds} s per page, and as much again for the minimal page "
        f"measured before each; {os.cpu_count()} CPUs shared by all.\n"
    )
    work = Path(tempfile.mkdtemp(prefix="iop-bench-"))
    script = work / "report.lua"
    script.write_text(WRK_SCRIPT)
    measured = {page.label: [] for page, url, _q, _n in plan if url}
    # The minimal page measured again just before each page, round by round: on a
    # shared machine whose speed drifts over the minutes a run takes, a page's ratio
    # is then taken against the reference of the same moment.
    references = {page.label: [] for page, url, _q, _n in plan if url and not page.reference}
    reference_url = next(url for page, url, _q, _n in plan if page.label == REFERENCE)

    def load(url, cookie, seconds):
        full = f"http://{HOST}:{args.port}{url}"
        if use_wrk:
            return wrk_load(full, cookie, seconds, args.connections, str(script))
        return python_load(full, cookie, seconds, args.connections)

    with open(work / "gunicorn.log", "w") as log, Gunicorn(args.port, args.workers, log):
        # Every worker up and warm (workers fork from a preloaded app, but the first
        # requests still open connections and fill caches).
        load("/bench/bare/", "", 5)
        for page, url, _measures, _note in plan:
            if url:
                load(url, cookies[page.role], 1)
        for round_number in range(1, args.rounds + 1):
            for page, url, _queries, _note in plan:
                if url is None:
                    continue
                if not page.reference:
                    load(reference_url, cookies["clinician"], args.warmup)
                    references[page.label].append(load(reference_url, cookies["clinician"], args.seconds))
                load(url, cookies[page.role], args.warmup)
                result = load(url, cookies[page.role], args.seconds)
                measured[page.label].append(result)
                print(f"  round {round_number}: {page.label}: {result.rate:.1f} req/s", flush=True)
    rows = [
        (page, measured[page.label] if url else None, measures, note, references.get(page.label))
        for page, url, measures, note in plan
    ]
    best, median, cpu, created = generation_seconds()
    print()
    print_table(rows)
    verdict = "ok" if best < TARGET_GENERATION_SECONDS else f"MISSED (< {TARGET_GENERATION_SECONDS:.0f} s)"
    print(
        f"\nA year of evenings for 20 cohorts ({created} sessions): {best:.2f} s best of 3, "
        f"{median:.2f} s median, {cpu:.2f} s CPU in this process  {verdict}"
    )
    shutil.rmtree(work, ignore_errors=True)
    if args.reminders:
        print()
        subprocess.run([sys.executable, str(BASE_DIR / "bench" / "reminders.py")], check=False)
    else:
        print("Reminder throughput: bench/reminders.py (or bench/run.py --reminders).")


if __name__ == "__main__":
    main()
