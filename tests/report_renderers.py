"""Renderers a real worker can be pointed at (``REPORT_RENDERER``): one makes a
progress report fail on purpose (the first N renders raise, N read from the
file named by ``IOP_TEST_REPORT_FAILURES`` and counted down in it), one holds
renders until the test lets them go."""

import os
import time
from pathlib import Path

from clinicians.report_content import pdf_from_html


class RenderFailed(RuntimeError):
    pass


def flaky(html):
    counter = Path(os.environ["IOP_TEST_REPORT_FAILURES"])
    left = int(counter.read_text() or 0) if counter.exists() else 0
    if left > 0:
        counter.write_text(str(left - 1))
        raise RenderFailed(f"forced render failure ({left} left)")
    return pdf_from_html(html)


def held(html):
    """Render only once the file named by ``IOP_TEST_REPORT_GATE`` exists (a
    report that takes as long as the test wants), at most a minute."""
    gate = Path(os.environ["IOP_TEST_REPORT_GATE"])
    for _ in range(600):
        if gate.exists():
            break
        time.sleep(0.1)
    return pdf_from_html(html)
