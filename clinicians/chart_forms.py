"""Forms for the chart: notes, addenda, medications, safety plans, discharge.
Treatment-plan forms are in plan_forms.py."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from groups.enrollment import current_enrollment
from iop.date_limits import CLOSES, OPENS
from iop.models import PRESCRIBER_CREDENTIALS, Role, User

from .discharging import what_waits
from .models import Addendum, Discharge, Medication, Note, SafetyPlan
from .models.discharge import FOLLOW_UP_WITHIN_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def bare_helper():
    """Crispy renders the fields; the template owns the <form> and its buttons."""
    helper = FormHelper()
    helper.form_tag = False
    return helper


#: The most a note's text may hold: pages of a long family session, not a pasted file.
NOTE_LONGEST_TEXT = 20_000
#: The longest session a note may cover (the database holds the same bound).
NOTE_LONGEST_MINUTES = 600
NOTE_CLOCK_GRACE = datetime.timedelta(minutes=10)
#: A client not yet admitted: how far back a note may go (intake calls before admission).
BEFORE_ADMISSION = datetime.timedelta(days=90)


def earliest_note_day(client):
    """The first day a note about ``client`` may be dated: the first admission, less
    the intake time before it; for a referred client, that much before today."""
    first = client.enrollments.order_by("started_on").values_list("started_on", flat=True).first()
    first = first or client.admitted_on or timezone.localdate()
    return first - BEFORE_ADMISSION


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["occurred_at", "duration_minutes", "mode", "participants", "content", "plan"]
        widgets = {
            "occurred_at": DateTimeInput(),
            "content": forms.Textarea(attrs={"rows": 6}),
            "plan": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"content": _("What happened")}

    def __init__(self, *args, kind, signing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        # A draft may be parked without its plan; signing needs it.
        self.fields["plan"].required = signing
        self.fields["plan"].help_text = _("Needed to sign; a draft can be saved without it.")
        if kind not in Note.FAMILY_KINDS:
            del self.fields["participants"]
        else:
            self.fields["participants"].required = True
        for name in ("content", "plan"):
            self.fields[name].max_length = NOTE_LONGEST_TEXT
            self.fields[name].validators.append(MaxLengthValidator(NOTE_LONGEST_TEXT))
            self.fields[name].widget.attrs["maxlength"] = NOTE_LONGEST_TEXT
        self.fields["duration_minutes"].widget.attrs.update(min=1, max=NOTE_LONGEST_MINUTES)
        self.fields["duration_minutes"].validators += [
            MinValueValidator(1),
            MaxValueValidator(NOTE_LONGEST_MINUTES, _("A note covers at most %(limit_value)s minutes.")),
        ]
        self.helper = bare_helper()

    def clean_occurred_at(self):
        """When it happened: not ahead of now (a few minutes' grace for clocks), and not
        before the client's first admission (a note from years ago is a mistyped year)."""
        moment = self.cleaned_data["occurred_at"]
        if moment > timezone.now() + NOTE_CLOCK_GRACE:
            raise forms.ValidationError(_("A note records what has happened: enter a time that has passed."))
        earliest = earliest_note_day(self.instance.client)
        if timezone.localdate(moment) < earliest:
            raise forms.ValidationError(
                _("Enter a time on or after %(day)s, the client's first admission (or referral).")
                % {"day": date_format(earliest, "D j M Y")}
            )
        return moment


class AddendumForm(forms.ModelForm):
    class Meta:
        model = Addendum
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Addendum")}
        help_texts = {"text": _("A dated correction or later information. The signed note stays as it was.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = bare_helper()


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "dose", "prescriber", "started_on"]
        widgets = {"started_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prescriber"].queryset = User.objects.filter(
            role=Role.CLINICIAN, credential__in=PRESCRIBER_CREDENTIALS, is_active=True
        )
        self.helper = bare_helper()

    def clean_started_on(self):
        day = self.cleaned_data["started_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Record a medication once it has started: today or earlier."))
        return day


class StopMedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["stopped_on", "stop_reason"]
        widgets = {"stopped_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stopped_on"].required = True
        self.initial["stopped_on"] = self.instance.stopped_on or timezone.localdate()
        self.helper = bare_helper()

    def clean_stopped_on(self):
        # A stop is recorded once it has happened: a stop ahead would drop the medication
        # from the current list (and its Stop link) while the client still takes it.
        day = self.cleaned_data["stopped_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Record the stop once it has happened: today or earlier."))
        if day < self.instance.started_on:
            started = date_format(self.instance.started_on, "D j M Y")
            raise forms.ValidationError(_("It started on %(day)s: the stop is that day or later.") % {"day": started})
        return day


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = list(SafetyPlan.copied_fields)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SafetyPlan.copied_fields}

    def __init__(self, *args, **kwargs):
        # Every step may be empty in a draft; signing needs all but 3 (SafetyPlan.sign).
        super().__init__(*args, **kwargs)
        self.helper = bare_helper()


class DischargeForm(forms.ModelForm):
    class Meta:
        model = Discharge
        fields = [
            "discharged_on",
            "reason",
            "reason_detail",
            "status_summary",
            "objectives_summary",
            "aftercare_plan",
            "follow_up_with",
            "follow_up_on",
            "follow_up_time",
            "follow_up_where",
            "referrals",
            "safety_plan_handed_over",
        ]
        widgets = {
            "discharged_on": DateInput(),
            "follow_up_on": DateInput(),
            "follow_up_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "reason_detail": forms.Textarea(attrs={"rows": 2}),
            "status_summary": forms.Textarea(attrs={"rows": 3}),
            "objectives_summary": forms.Textarea(attrs={"rows": 3}),
            "aftercare_plan": forms.Textarea(attrs={"rows": 4}),
            "referrals": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "follow_up_on": _("Within %(days)d days of the discharge date.") % {"days": FOLLOW_UP_WITHIN_DAYS},
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        self.helper = bare_helper()

    def clean_follow_up_time(self):
        """An appointment someone can go to: within the hours the clinic books
        (07:00-22:00), so a mistyped 02:00 for 14:00 is caught here."""
        time = self.cleaned_data["follow_up_time"]
        if not OPENS <= time <= CLOSES:
            raise forms.ValidationError(
                _("A follow-up appointment between %(opens)s and %(closes)s: check the time.")
                % {"opens": f"{OPENS:%H:%M}", "closes": f"{CLOSES:%H:%M}"}
            )
        return time

    def clean_discharged_on(self):
        day = self.cleaned_data["discharged_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A discharge is recorded on its day or later, not ahead of it."))
        client = self.instance.client
        if client.status == client.Status.DISCHARGED and client.discharged_on and day != client.discharged_on:
            # The office ended the enrollment that day; the summary is of that discharge.
            raise forms.ValidationError(
                _("The program office recorded this discharge on %(day)s; the summary is dated that day.")
                % {"day": date_format(client.discharged_on, "D j M Y")}
            )
        current = current_enrollment(self.instance.client)
        if current is not None and day < current.started_on:
            raise forms.ValidationError(
                _("%(client)s joined %(cohort)s on %(day)s: the discharge is on that day or later.")
                % {
                    "client": self.instance.client.display_name,
                    "cohort": current.cohort.name,
                    "day": date_format(current.started_on, "D j M Y"),
                }
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("reason") == Discharge.Reason.OTHER and not (data.get("reason_detail") or "").strip():
            self.add_error("reason_detail", _("Say what the other reason is."))
        # product.md: a client is not discharged past an open alert, nor without the
        # safety plan an assessment recorded as made (they leave with it).
        for waiting in what_waits(self.instance.client):
            self.add_error(None, waiting.message)
        return data
