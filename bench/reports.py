"""Progress report PDF time, cold and warm, next to a bare WeasyPrint render of a
comparable document of as many pages (target: the report within 2x the bare render).

    .venv/bin/python bench/reports.py [-n 10]

Loads the demo clinic into a throw-away SQLite database and private folder,
then times Maya's family report (2 pages) and clinical report (3 pages): the
whole job as the worker runs it (claim, gather the record, chart, template,
PDF, store, mark ready). "Cold" is a fresh Python process's first render,
as a worker's first report: after what a report worker does at start-up
(``prepare_renderer``: WeasyPrint and matplotlib imported, a chart drawn), and
for the bare document after importing WeasyPrint; the start-up itself is shown
apart, and "fresh" adds the two. "Warm" is the median of ``-n`` further renders
in one process. The bare documents are static HTML of
the same size and parts (headings, tables, an SVG chart, paragraphs, the same
stylesheet and fonts) rendered with no Django and no database."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup(work):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "iop.settings",
            "IOP_VAR_DIR": str(work),
            "PRIVATE_STORAGE_ROOT": str(work / "private"),
            "EMAIL_URL": f"filemail://{work / 'mail'}",
            "LOG_LEVEL": "WARNING",
        }
    )
    for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(variable, None)
    import django

    django.setup()


SIZES = {2: (10, 3, 3), 3: (18, 4, 5)}  # pages: (table rows, list items, sentences a paragraph)


def bare_document(pages=2):
    """Static HTML shaped like a progress report of ``pages`` pages."""
    rows, items, sentences = SIZES[pages]
    import math

    points = " ".join(f"{40 + i * 50},{200 - 80 * abs(math.sin(i / 2)):.0f}" for i in range(12))
    bands = "".join(
        f'<rect x="40" y="{y}" width="600" height="40" fill="{fill}"/>'
        for y, fill in zip(range(20, 220, 40), ("#f2c7c7", "#f8d6c2", "#fbe8c8", "#eef1cf", "#dcefe0"), strict=True)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="691" height="326" viewBox="0 0 691 326">'
        f'{bands}<polyline points="{points}" fill="none" stroke="#0b3d6e" stroke-width="2"/>'
        '<text x="10" y="120" font-size="10">PHQ total</text></svg>'
    )
    import base64

    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    table = "".join(
        f"<tr><td>2026-10-{i + 1:02d}</td><td class='num'>{i % 4}</td><td class='num'>0</td><td class='num'>1</td>"
        f"<td class='num'>0</td><td class='num'>{9 + i % 3}.0</td><td class='num'>12.0</td><td>Met</td></tr>"
        for i in range(rows)
    )
    text = "<p>" + "The client attended group and practised the skill of the week at home. " * sentences + "</p>"
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Bare</title></head><body>"
        "<h1>Progress report</h1><h2>Identity</h2><table class='identity'>"
        + "".join(f"<tr><th>Field {i}</th><td>Value {i}</td></tr>" for i in range(6))
        + f"</table><h2>Attendance</h2><table>{table}</table>"
        f"<h2>PHQ</h2><figure><img class='chart' src='{uri}'></figure>{text}"
        f"<h2>Skills covered</h2><ul>{''.join(f'<li>Skill {i}: {text}</li>' for i in range(items))}</ul>"
        f"<h2>Summary</h2>{text}<p>Signature: ________</p></body></html>"
    )


def bare_render(html):
    """WeasyPrint alone: the report stylesheet and the same DejaVu font files, no Django."""
    import importlib.util

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts_dir = Path(importlib.util.find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"
    faces = ""
    for weight, name in (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")):
        source = (fonts_dir / name).as_uri()
        faces += f'@font-face {{ font-family: "DejaVu Sans"; font-weight: {weight}; src: url("{source}"); }}'

    fonts = FontConfiguration()
    css = CSS(string=faces + (BASE_DIR / "static" / "css" / "report.css").read_text(), font_config=fonts)
    document = HTML(string=html).render(stylesheets=[css], font_config=fonts)
    document.write_pdf()
    return len(document.pages)


def time_bare(html):
    started = time.perf_counter()
    pages = bare_render(html)
    return time.perf_counter() - started, pages


def render_report(report_id):
    from clinicians import reports
    from clinicians.models import ProgressReport

    # A fresh queued copy of the demo report each time, as a new request would be.
    original = ProgressReport.objects.get(pk=report_id)
    copy = ProgressReport.objects.create(
        client=original.client,
        requested_by=original.requested_by,
        variant=original.variant,
        period_start=original.period_start,
        period_end=original.period_end,
        summary=original.summary,
    )
    started = time.perf_counter()
    outcome = reports.render(copy.pk)
    elapsed = time.perf_counter() - started
    assert outcome.status == "ready", outcome
    copy.refresh_from_db()
    return elapsed, copy.pdf_pages


def child(mode, argument):
    """Run in a fresh process: print the seconds of the start-up, of the first
    render after it, and the page count."""
    if mode == "bare":
        started = time.perf_counter()
        import weasyprint  # noqa: F401
        import weasyprint.text.fonts  # noqa: F401

        start_up = time.perf_counter() - started
        started = time.perf_counter()
        _, pages = time_bare(bare_document(int(argument[1])))
    else:
        setup(Path(argument[0]))  # a worker has Django set up before its first task
        started = time.perf_counter()
        from clinicians.report_content import prepare_renderer

        prepare_renderer()  # as iop/celery.py does in a report worker
        start_up = time.perf_counter() - started
        started = time.perf_counter()
        _, pages = render_report(int(argument[1]))
    print(f"{start_up} {time.perf_counter() - started} {pages}")


def cold(*arguments):
    """(start-up seconds, first render seconds, pages) of one fresh process."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", *arguments], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(output[-3]), float(output[-2]), int(output[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=10)
    parser.add_argument("--cold-count", type=int, default=3, help="fresh processes per document; the median is shown")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child[0], options.child[1:])
    work = Path(tempfile.mkdtemp(prefix="iop-bench-reports-"))
    try:
        setup(work)
        from django.core.management import call_command

        from clinicians.models import ProgressReport

        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)
        maya = {r.variant: r.pk for r in ProgressReport.objects.filter(client__chart_number="T-1001")}
        # Each report against the bare document with as many pages; runs interleaved,
        # so a busy machine slows both sides of a comparison alike.
        jobs = {
            "bare 2-page document": ("bare", "2", lambda: time_bare(bare_document(2))),
            "family progress report": ("report", str(maya["family"]), lambda: render_report(maya["family"])),
            "bare 3-page document": ("bare", "3", lambda: time_bare(bare_document(3))),
            "clinical progress report": ("report", str(maya["clinical"]), lambda: render_report(maya["clinical"])),
        }
        starts, colds, freshes = ({name: [] for name in jobs} for _ in range(3))
        pages, warms = {}, {name: [] for name in jobs}
        # Cold renders interleaved too: one fresh process's time moves with whatever else
        # the machine is doing at that second.
        for _ in range(options.cold_count):
            for name, (kind, argument, _run) in jobs.items():
                start_up, first, pages[name] = cold(kind, str(work), argument)
                starts[name].append(start_up)
                colds[name].append(first)
                freshes[name].append(start_up + first)
        starts, colds, freshes = (
            {name: statistics.median(times) for name, times in figures.items()} for figures in (starts, colds, freshes)
        )
        for _kind, _argument, run in jobs.values():
            run()
        for _ in range(options.count):
            for name, (_kind, _argument, run) in jobs.items():
                warms[name].append(run()[0])
        print(
            f"median of {options.count} warm renders and of {options.cold_count} fresh processes (each kind "
            "interleaved); start = a worker's start-up, cold = its first render, fresh = the two together"
        )
        titles = ("pages", "start s", "cold s", "warm s", "fresh s", "cold x", "warm x", "fresh x")
        print(f"{'document':<26}" + "".join(f"{title:>9}" for title in titles))
        bare = None
        for name in jobs:
            figures = (starts[name], colds[name], statistics.median(warms[name]), freshes[name])
            if name.startswith("bare"):
                bare = figures
            ratios = (figures[1] / bare[1], figures[2] / bare[2], figures[3] / bare[3])
            print(
                f"{name:<26}{pages[name]:>9}"
                + "".join(f"{seconds:>9.3f}" for seconds in figures)
                + "".join(f"{ratio:>9.2f}" for ratio in ratios)
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
