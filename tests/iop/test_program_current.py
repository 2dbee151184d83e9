"""The program row is read once per request, re-read after a save, and read
fresh every time outside a request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop import request_memo
from iop.models import Program

pytestmark = pytest.mark.django_db


def test_read_once_per_request_and_again_after_a_save():
    Program.current()
    # What the request_started and request_finished receivers do (sending the signals
    # themselves would also close the test's database connection).
    request_memo.start()
    try:
        with CaptureQueriesContext(connection) as captured:
            first = Program.current()
            second = Program.current()
        assert first is second
        assert len(captured) == 1
        first.name = "Renamed evening program"
        first.save()
        with CaptureQueriesContext(connection) as captured:
            assert Program.current().name == "Renamed evening program"
        assert len(captured) == 1
    finally:
        request_memo.end()


def test_outside_a_request_each_call_reads_the_database():
    Program.current()
    Program.objects.filter(pk=1).update(name="Changed elsewhere")
    with CaptureQueriesContext(connection) as captured:
        assert Program.current().name == "Changed elsewhere"
        Program.current()
    assert len(captured) == 2


def test_a_page_reads_the_program_once(clinic, login):
    browser = login(clinic.clinician_1)
    browser.get("/staff/clinician/")
    with CaptureQueriesContext(connection) as captured:
        assert browser.get("/staff/clinician/").status_code == 200
    program_reads = [q for q in captured if 'FROM "iop_program"' in q["sql"]]
    assert len(program_reads) == 1
