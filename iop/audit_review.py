"""Reading the audit trail back: the filtered, newest-first listing a page at a
time (keyset pagination, no counting, so it stays fast on millions of entries),
its CSV rows, and one client's accounting of who has seen their record."""

import datetime
import functools
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditEntry, Client, Program, Role, User

PAGE_SIZE = 50
#: Clinical records are named by type and number only: the trail says that a
#: note was read, never what it says (admins review it, and admins never see notes).
CLINICAL_APPS = frozenset({"clinicians"})


def filtered(*, actor=None, client=None, event="", outcome="", date_from=None, date_to=None):
    entries = AuditEntry.objects.all()
    if actor is not None:
        entries = entries.filter(actor=actor)
    if client is not None:
        entries = entries.filter(client_id=client.pk)
    if event:
        entries = entries.filter(event=event)
    if outcome:
        entries = entries.filter(outcome=outcome)
    return within(entries, date_from, date_to)


def within(entries, date_from=None, date_to=None):
    """Entries of the local days ``date_from`` .. ``date_to`` (inclusive). Entries are
    never dated before the one they follow, so a day range is an id range: two
    index look-ups turn it into one, which every other filter's index can use."""
    if date_from:
        first = _first_id_from(_start_of(date_from))
        entries = entries.filter(pk__gte=first) if first else entries.none()
    if date_to:
        end = _start_of(date_to + datetime.timedelta(days=1))
        last = AuditEntry.objects.filter(timestamp__lt=end).order_by("-timestamp", "-pk").values_list("pk", flat=True)
        last = last.first()
        entries = entries.filter(pk__lte=last) if last else entries.none()
    return entries


def _first_id_from(moment):
    first = AuditEntry.objects.filter(timestamp__gte=moment).order_by("timestamp", "pk")
    return first.values_list("pk", flat=True).first()


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class Page:
    entries: list
    newer: int | None  # ?after=<newer> shows the page above this one
    older: int | None  # ?before=<older> shows the page below


def page(entries, *, before=None, after=None, size=PAGE_SIZE):
    """One page, newest first. ``before``/``after`` are entry ids from the page's links."""
    entries = entries.select_related("content_type")
    if after is not None:
        rows = list(entries.filter(pk__gt=after).order_by("pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        more_older = bool(rows) and entries.filter(pk__lt=rows[-1].pk).exists()
    else:
        if before is not None:
            entries_page = entries.filter(pk__lt=before)
        else:
            entries_page = entries
        rows = list(entries_page.order_by("-pk")[: size + 1])
        more_older = len(rows) > size
        rows = rows[:size]
        more_newer = before is not None and bool(rows)
    return Page(
        entries=describe(rows, shown=True),
        newer=rows[0].pk if rows and more_newer else None,
        older=rows[-1].pk if rows and more_older else None,
    )


class Row:
    """One entry as the review pages and the CSV show it: the entry's own fields
    (``row.event``, ``row.pk`` ...), its label, the record's name and the client.
    ``describe(..., shown=True)`` also works out the table's display strings once,
    so the page's template only prints them."""

    def __init__(self, entry, label, record, client):
        self.entry = entry
        self.label = label
        self.record = record
        self.client = client

    def __getattr__(self, name):
        return getattr(self.entry, name)

    def __getitem__(self, name):
        # The template engine tries a key before an attribute: answering with the
        # display strings directly spares an exception per cell.
        return self.__dict__[name]

    def show(self, client_url, outcomes):
        entry = self.entry
        self.when = timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        self.who = entry.actor_email or "—"
        self.role = entry.actor_role
        self.emergency = entry.event == "break_glass"
        self.refused = entry.outcome == AuditEntry.Outcome.REFUSED
        self.outcome_label = outcomes.get(entry.outcome, entry.outcome)
        self.address = entry.remote_addr or "—"
        self.changes = change_lines(entry)
        if self.client is not None:
            self.client_url = client_url(self.client.pk)
            self.client_name = self.client.display_name
            self.client_chart = self.client.chart_number


def describe(entries, *, shown=False):
    entries = list(entries)
    clients = Client.objects.in_bulk({e.client_id for e in entries if e.client_id})
    labels, record_names = {}, {}
    rows = []
    for e in entries:
        # A chart is read a tab at a time: its entries say which ("Viewed a chart (Medications)").
        section = (e.additional_data or {}).get("section") if e.event == "view_chart" else None
        if (e.event, section) not in labels:
            label = audit.label(e.event)
            labels[e.event, section] = f"{label} ({capfirst(section.replace('-', ' '))})" if section else label
        rows.append(Row(e, labels[e.event, section], record_name(e, record_names), clients.get(e.client_id)))
    if shown:
        outcomes = {value: str(text) for value, text in AuditEntry.Outcome.choices}
        client_url = functools.lru_cache(maxsize=None)(lambda pk: reverse("client_access_history", args=[pk]))
        for row in rows:
            row.show(client_url, outcomes)
    return rows


#: The entries whose before-and-after the review page shows, with where the change is
#: kept and the model that names its fields: settings and people, never clinical records.
CHANGES_SHOWN = {
    "change_program": (lambda entry: (entry.additional_data or {}).get("changed", {}), Program),
    "role_change": (lambda entry: entry.changes_dict, User),
}


def change_lines(entry):
    """``"Field: before → after"`` for each change a settings or role entry records
    (no lines for any other entry)."""
    if entry.event not in CHANGES_SHOWN:
        return []
    read, model = CHANGES_SHOWN[entry.event]
    lines = []
    for name, (before, after) in read(entry).items():
        try:
            label = capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field since removed keeps its stored name
            label = name
        lines.append(f"{label}: {before or '—'} \u2192 {after or '—'}")
    return lines


def record_name(entry, clinical_names=None):
    """The record an entry is about; a clinical record by type and number only.
    ``clinical_names`` keeps each type's name for the next entry of a page."""
    content_type = entry.content_type
    if content_type.app_label not in CLINICAL_APPS:
        return entry.object_repr
    name = None if clinical_names is None else clinical_names.get(content_type.pk)
    if name is None:
        model = content_type.model_class()
        name = str(model._meta.verbose_name if model else content_type.model).capitalize()
        if clinical_names is not None:
            clinical_names[content_type.pk] = name
    return f"{name} #{entry.object_pk}"


CSV_HEADER = [
    "entry",
    "time (UTC)",
    "event",
    "what happened",
    "outcome",
    "user",
    "role",
    "record",
    "client chart",
    "client",
    "address",
    "user agent",
    "details",
    "entry hash",
]


def csv_rows(entries, chunk=2000):
    """The CSV's rows, a chunk of entries at a time (the export streams, it never holds the whole trail)."""
    yield CSV_HEADER
    last = None
    while True:
        batch = entries.order_by("-pk")
        if last is not None:
            batch = batch.filter(pk__lt=last)
        batch = list(batch.select_related("content_type")[:chunk])
        if not batch:
            return
        for row in describe(batch):
            yield [
                spreadsheet_safe(value)
                for value in (
                    row.pk,
                    row.timestamp.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    row.event,
                    row.label,
                    row.outcome,
                    row.actor_email or "",
                    row.actor_role,
                    row.record,
                    row.client.chart_number if row.client else (row.client_id or ""),
                    row.client.display_name if row.client else "",
                    row.remote_addr or "",
                    row.user_agent,
                    json.dumps(row.additional_data, sort_keys=True, default=str) if row.additional_data else "",
                    row.entry_hash,
                )
            ]
        last = batch[-1].pk


#: What a spreadsheet reads as the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell that a spreadsheet shows as text: text that would start a formula
    (a name typed as ``=HYPERLINK(...)``) gets a leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def access_summary(entries):
    """Who has seen this record: one line per person, with how often and when first and last."""
    rows = list(
        entries.values("actor_email", "actor_role")
        .annotate(count=Count("pk"), first=Min("timestamp"), last=Max("timestamp"))
        .order_by("-last")
    )
    labels = {**dict(Role.choices), "superuser": _("Superuser")}
    for row in rows:
        row["role_label"] = labels.get(row["actor_role"], row["actor_role"])
    return rows
