"""Where one page's time goes: its queries (with their times) and a profile of
the Python side, in this process, against the benchmark clinic.

    .venv/bin/python bench/profile_page.py chart [--repeats 50] [--sort tottime] [--lines 40]

Page words are those of bench/run.py (``chart``, ``week``, ``family`` ...). Run on
demand, like the rest of bench/."""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import run  # noqa: E402  (sets the settings module and DATABASE_URL)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a word of the page's label, as for bench/run.py --pages")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="print each query and its time")
    args = parser.parse_args(argv)

    run.setup_django()
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    users, objects = run.clinic_objects()
    page = next(p for p in run.PAGES if args.page in p.label)
    url = run.resolve(page, objects)
    browser = TestClient()
    if page.role:
        browser.force_login(users[page.role], backend="django.contrib.auth.backends.ModelBackend")
    browser.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    print(
        f"{page.label}: {url} -> {response.status_code}, {len(captured)} queries, "
        f"{sum(float(q['time']) for q in captured) * 1000:.1f} ms in queries"
    )
    if args.queries:
        for query in captured:
            print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:400]}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    cpu = time.process_time()
    profiler.enable()
    for _ in range(args.repeats):
        browser.get(url)
    profiler.disable()
    print(
        f"{(time.perf_counter() - started) * 1000 / args.repeats:.1f} ms wall, "
        f"{(time.process_time() - cpu) * 1000 / args.repeats:.1f} ms CPU per request (profiled)"
    )
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
