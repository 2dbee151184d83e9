"""The attendance sheet of one evening: a row per expected client, saved together.
Minutes late or left early are typed; minutes attended follow from them."""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from iop import audit

from .models import Attendance

NOT_RECORDED = ""
MINUTES_ERRORS = {
    "min_value": _("Minutes cannot be below zero."),
    "max_value": _("At most %(limit_value)s minutes: no more than the evening lasts."),
}


#: Marks that say the client was in the room: recorded from the evening's day on.
IN_THE_ROOM = (Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.LEFT_EARLY)
STILL_TO_COME = _(
    "This evening is still to come: only an absence (absent or excused) can be recorded ahead; "
    "who was there is recorded on the day."
)


def still_to_come(session):
    """An evening on a later clinic day: families see its marks, so nobody is marked present ahead."""
    return session.local_date > timezone.localdate()


class AttendanceSheet(forms.Form):
    """Each field also carries the value the page was drawn with (``initial-...``): a
    save writes only the rows changed on this page, so a sheet opened before a
    colleague marked someone does not clear or overwrite their mark."""

    def __init__(self, *args, session, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.clients = list(clients)
        existing = {row.client_id: row for row in session.attendance.all()}
        longest = session.duration_minutes - 1
        for client in self.clients:
            row = existing.get(client.pk)
            # Each label names the client: a screen reader moving through the sheet
            # hears whose mark it is, not "Attendance" once per row.
            named = {"name": client.display_name}
            self.fields[f"status_{client.pk}"] = forms.ChoiceField(
                choices=[(NOT_RECORDED, _("Not recorded"))] + Attendance.Status.choices,
                required=False,
                show_hidden_initial=True,
                label=_("Attendance of %(name)s") % named,
                initial=row.status if row else NOT_RECORDED,
            )
            self.fields[f"late_{client.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=longest,
                required=False,
                show_hidden_initial=True,
                error_messages=MINUTES_ERRORS,
                label=_("Minutes late, %(name)s") % named,
                initial=row and row.late_minutes or None,
            )
            self.fields[f"left_{client.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=longest,
                required=False,
                show_hidden_initial=True,
                error_messages=MINUTES_ERRORS,
                label=_("Minutes left early, %(name)s") % named,
                initial=row and row.left_early_minutes or None,
            )

    def _names(self, client):
        return f"status_{client.pk}", f"late_{client.pk}", f"left_{client.pk}"

    def rows(self):
        """(client, status, late, left); each field renders with its hidden ``initial-`` input."""
        for client in self.clients:
            yield client, *(self[name] for name in self._names(client))

    def clean(self):
        data = super().clean()
        ahead = still_to_come(self.session)
        for client in self.clients:
            status = data.get(f"status_{client.pk}")
            if ahead and status in IN_THE_ROOM:
                self.add_error(f"status_{client.pk}", STILL_TO_COME)
            late, left = data.get(f"late_{client.pk}") or 0, data.get(f"left_{client.pk}") or 0
            # A number already refused (too many minutes) has its own message.
            if status == Attendance.Status.LATE and not late and f"late_{client.pk}" not in self.errors:
                self.add_error(f"late_{client.pk}", _("How many minutes late?"))
            if status == Attendance.Status.LEFT_EARLY and not left and f"left_{client.pk}" not in self.errors:
                self.add_error(f"left_{client.pk}", _("How many minutes early did they leave?"))
            partial = status in (Attendance.Status.LATE, Attendance.Status.LEFT_EARLY)
            if not partial and late:
                self.add_error(f"late_{client.pk}", _("Minutes late go with the status 'Late' or 'Left early'."))
            if not partial and left:
                self.add_error(f"left_{client.pk}", _("Minutes left early go with the status 'Left early' or 'Late'."))
            if partial and late + left >= self.session.duration_minutes:
                self.add_error(
                    f"left_{client.pk}",
                    _("Late and early together take the whole evening: mark them absent or excused instead."),
                )
        return data

    def changed_rows(self):
        changed = set(self.changed_data)
        return [client for client in self.clients if changed.intersection(self._names(client))]

    @transaction.atomic
    def save(self, by):
        """Write the rows changed on the page; returns how many. A row left as it
        was drawn is not written, whatever it holds now."""
        saved = 0
        for client in self.changed_rows():
            saved += 1
            status = self.cleaned_data[f"status_{client.pk}"]
            if status == NOT_RECORDED:
                Attendance.objects.filter(session=self.session, client=client).delete()
                continue
            Attendance.objects.update_or_create(
                session=self.session,
                client=client,
                defaults={
                    "status": status,
                    "late_minutes": self.cleaned_data[f"late_{client.pk}"] or 0,
                    "left_early_minutes": self.cleaned_data[f"left_{client.pk}"] or 0,
                    "recorded_by": by,
                },
            )
        audit.record("record_attendance", self.session, actor=by, rows=saved)
        return saved


def saved_message(saved):
    """What the page says after saving the sheet: how many rows changed (a mark set,
    altered or cleared)."""
    if not saved:
        return str(_("Attendance unchanged: no mark was changed on the sheet."))
    return ngettext("Attendance saved for %(n)s client.", "Attendance saved for %(n)s clients.", saved) % {"n": saved}
