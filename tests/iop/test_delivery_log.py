"""The delivery log: program admins (and the superuser) see every message and
its failures, filter them, and retry failed ones; nobody else gets in."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iop.models import MESSAGE_KIND_LABELS, AuditEntry, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
ROLES = ["anonymous", "family_a", "family_b", "clinician_1", "clinician_2", "admin", "superuser"]
EXPECTED_PAGE = {
    "family_a": 404,
    "family_b": 404,
    "clinician_1": 403,
    "clinician_2": 403,
    "admin": 200,
    "superuser": 200,
}


@pytest.fixture
def failed(clinic):
    return factories.OutboxMessageFactory(
        recipient=clinic.family_a,
        kind="closure",
        status=Status.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


@pytest.mark.parametrize("role", ROLES)
def test_delivery_log_by_role(clinic, login, failed, role):
    response = login(clinic.role(role)).get(reverse("delivery_log"))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED_PAGE[role]
    if response.status_code == 200:
        assert "Connection unexpectedly closed" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_retry_button_by_role(clinic, login, failed, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = login(clinic.role(role)).post(reverse("delivery_retry", args=[failed.pk]))
    failed.refresh_from_db()
    if role in ("admin", "superuser"):
        assert response.status_code == 302
        assert (failed.status, failed.attempts) == (Status.PENDING, 0)
        assert len(callbacks) == 1
    else:
        assert response.status_code == (302 if role == "anonymous" else EXPECTED_PAGE[role])
        assert failed.status == Status.FAILED
        assert callbacks == []


def test_retry_is_audited_and_returns_to_the_filtered_list(clinic, login, failed):
    back = reverse("delivery_log") + "?status=failed&kind=closure"
    response = login(clinic.admin).post(reverse("delivery_retry", args=[failed.pk]), {"next": back})
    assert response.url == back
    entry = AuditEntry.objects.get(event="retry_delivery")
    assert (entry.actor, entry.object_pk) == (clinic.admin, str(failed.pk))


def test_retry_refuses_to_redirect_elsewhere(clinic, login, failed):
    response = login(clinic.admin).post(reverse("delivery_retry", args=[failed.pk]), {"next": "https://evil.test/"})
    assert response.url == reverse("delivery_log")


def test_retry_of_a_sent_message_changes_nothing(clinic, login):
    sent = factories.OutboxMessageFactory(recipient=clinic.family_a, status=Status.SENT, sent_at=timezone.now())
    response = login(clinic.admin).post(reverse("delivery_retry", args=[sent.pk]), follow=True)
    assert "nothing to retry" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_retry_needs_post(clinic, login, failed):
    assert login(clinic.admin).get(reverse("delivery_retry", args=[failed.pk])).status_code == 405


def test_retry_of_unknown_message_is_404(clinic, login):
    assert login(clinic.admin).post(reverse("delivery_retry", args=[999999])).status_code == 404


def test_filters_by_status_and_kind(clinic, login, failed):
    factories.OutboxMessageFactory(recipient=clinic.family_b, kind="skill_summary", to_address="skills@example.test")
    factories.OutboxMessageFactory(
        recipient=clinic.family_b, status=Status.SKIPPED, skipped_reason="Opted out of reminders"
    )
    client = login(clinic.admin)
    page = client.get(reverse("delivery_log"), {"status": "failed"}).content.decode()
    assert "Connection unexpectedly closed" in page and "skills@example.test" not in page
    page = client.get(reverse("delivery_log"), {"kind": "skill_summary"}).content.decode()
    assert "skills@example.test" in page and "Connection unexpectedly closed" not in page
    page = client.get(reverse("delivery_log"), {"status": "skipped"}).content.decode()
    assert "Opted out of reminders" in page
    assert client.get(reverse("delivery_log"), {"status": "<script>", "page": "x"}).status_code == 200


def test_held_message_shows_when_it_goes(clinic, login):
    factories.OutboxMessageFactory(
        recipient=clinic.family_a, due_at=timezone.now() + datetime.timedelta(hours=9), held_for_quiet_hours=True
    )
    assert "held for quiet hours" in login(clinic.admin).get(reverse("delivery_log")).content.decode()


def test_log_is_paginated_with_a_fixed_number_of_queries(clinic, login, django_assert_max_num_queries):
    kinds = ["group_tonight", "closure", "skill_summary"]
    for n in range(60):
        factories.OutboxMessageFactory(recipient=clinic.family_a if n % 2 else clinic.family_b, kind=kinds[n % 3])
    client = login(clinic.admin)
    with django_assert_max_num_queries(12):  # session, user, failures, one page: not one per row, no count
        first = client.get(reverse("delivery_log"))
    assert first.context["page"].has_next() and not first.context["page"].has_previous()
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("delivery_log"), {"page": 2})
    assert len(second.context["page"].object_list) == 10 and not second.context["page"].has_next()
    page = second.content.decode()
    assert "Page 2" in page and ">Newer<" in page and ">Older<" not in page
    # The pager keeps the filters.
    pending = client.get(reverse("delivery_log"), {"status": "pending", "kind": "closure", "page": 1})
    assert "Older" not in pending.content.decode()  # 20 closures: one page
    filtered = client.get(reverse("delivery_log"), {"status": "pending"}).content.decode()
    assert 'href="?status=pending&amp;kind=&amp;page=2"' in filtered
    # A page past the last, or not a page number: no error.
    assert "No messages match." in client.get(reverse("delivery_log"), {"page": 9}).content.decode()
    assert client.get(reverse("delivery_log"), {"page": "-3"}).context["page"].number == 1
    for far in ("4611686018427387904", "9" * 30):  # beyond what a database takes as an offset
        response = client.get(reverse("delivery_log"), {"page": far})
        assert response.status_code == 200 and "No messages match." in response.content.decode()


def test_log_reads_a_page_of_a_long_history_without_reading_all_of_it(clinic, login):
    """Newest first from an index, no count of every message, no scan for the kinds."""
    factories.OutboxMessageFactory(recipient=clinic.family_a, kind="closure")
    client = login(clinic.admin)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("delivery_log"), {"kind": "closure"})
    outbox = [q["sql"] for q in captured if "iop_outboxmessage" in q["sql"]]
    assert not any("DISTINCT" in sql for sql in outbox)
    counts = [sql for sql in outbox if "COUNT(" in sql]
    assert len(counts) == 1 and "WHERE" in counts[0]  # only the failures, for the banner
    page_query = next(sql for sql in outbox if "ORDER BY" in sql)
    assert "LIMIT 51" in page_query
    # A message's text (which may hold a one-time link) is not read for the log.
    assert '"body"' not in page_query and '"idempotency_key"' not in page_query


def test_kind_filter_offers_every_kind_the_program_sends(clinic, login):
    page = login(clinic.admin).get(reverse("delivery_log")).content.decode()
    for code, label in MESSAGE_KIND_LABELS.items():
        assert f'<option value="{code}">{label}</option>' in page


def test_admin_nav_links_the_delivery_log(clinic, login):
    url = reverse("delivery_log")
    assert f'href="{url}"' in login(clinic.admin).get(reverse("admin_home")).content.decode()
    assert f'href="{url}"' not in login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()


def test_log_names_each_kind_of_message_in_words(clinic, login):
    factories.OutboxMessageFactory(recipient=clinic.family_a, kind="skill_summary")
    factories.OutboxMessageFactory(recipient=clinic.family_a, kind="some_new_kind")
    page = login(clinic.admin).get(reverse("delivery_log")).content.decode()
    assert "<td>Skill summary ready" in page and '<option value="skill_summary">Skill summary ready</option>' in page
    assert "<td>Some new kind" in page  # a kind without a label shows its code in words
    assert "<td>skill_summary" not in page


def test_the_django_admin_does_not_show_a_messages_text_with_its_one_time_link(clinic, login):
    from clinicians.models import SelfReportLink

    _link, token = SelfReportLink.issue(
        client=clinic.client_a, instrument="phqa", created_by=clinic.clinician_1, mode="link"
    )
    message = factories.OutboxMessageFactory(recipient=clinic.family_a, body=f"Your questionnaire: /q/{token}/")
    page = login(clinic.superuser).get(reverse("admin:iop_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200 and token not in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
@pytest.mark.parametrize("kind", ["", "closure"])
def test_log_page_is_read_from_an_index_in_its_order(clinic, login, kind):
    """Newest first, whole or of one kind: an index gives the rows in the page's
    order, so the page does not sort every message. The planner is told to avoid
    reading the table whole and sorting, as it would with years of messages: with
    no index in that order it would have to sort anyway."""
    factories.OutboxMessageFactory(recipient=clinic.family_a, kind="closure")
    client = login(clinic.admin)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("delivery_log"), {"kind": kind})
    page_query = next(q["sql"] for q in captured if "iop_outboxmessage" in q["sql"] and "LIMIT 51" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + page_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert ("outbox_kind_newest_first" if kind else "outbox_newest_first") in plan, plan
    assert "Sort" not in plan, plan


def test_a_message_shows_its_status_and_channel_in_words(clinic, login):
    factories.OutboxMessageFactory(recipient=clinic.family_a, status=Status.SKIPPED, skipped_reason="Opted out")
    page = login(clinic.admin).get(reverse("delivery_log")).content.decode()
    assert "<td>Not sent</td>" in page and "<td>Email</td>" in page
    assert OutboxMessage(status="unheard-of").status_label == "unheard-of"
