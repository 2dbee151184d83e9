"""Forms for scheduling: cohort set-up, generating, closures, moves, enrollment."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iop.date_limits import check_clinic_hours
from iop.models import Role, User

from .changes import check_facilitators_free
from .models import Closure, Cohort, Session, SkillModule

MAX_GENERATE_DAYS = 26 * 7
WEEKDAY_CHOICES = [(i, name) for i, name in enumerate(Cohort.WEEKDAY_NAMES)]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def clinicians():
    return User.objects.filter(role=Role.CLINICIAN, is_active=True)


class CohortForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Evenings")
    )
    family_group_weekday = forms.TypedChoiceField(
        choices=[("", _("No family group"))] + WEEKDAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Family group evening"),
    )

    class Meta:
        model = Cohort
        fields = [
            "name",
            "slug",
            "age_min",
            "age_max",
            "weekdays",
            "start_time",
            "duration_minutes",
            "room",
            "capacity",
            "lead_clinician",
            "co_facilitators",
            "active_from",
            "active_until",
            "family_group_weekday",
            "family_group_start",
            "family_group_minutes",
        ]
        widgets = {
            "start_time": TimeInput(),
            "family_group_start": TimeInput(),
            "active_from": DateInput(),
            "active_until": DateInput(),
            "co_facilitators": forms.CheckboxSelectMultiple,
        }
        labels = {
            "duration_minutes": _("Length of an evening (minutes)"),
            "family_group_minutes": _("Family group length (minutes)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_clinician"].queryset = clinicians()
        self.fields["co_facilitators"].queryset = clinicians()

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_max"] < data["age_min"]:
            self.add_error("age_max", _("The oldest age must not be below the youngest."))
        if data.get("active_until") and data.get("active_from") and data["active_until"] < data["active_from"]:
            self.add_error("active_until", _("The last day must be on or after the first."))
        lead = data.get("lead_clinician")
        if lead and lead in (data.get("co_facilitators") or []):
            self.add_error("co_facilitators", _("The lead clinician is already a facilitator; untick them here."))
        start, minutes = data.get("start_time"), data.get("duration_minutes")
        if start and minutes:
            starts_at = datetime.datetime.combine(timezone.localdate(), start, tzinfo=timezone.get_current_timezone())
            try:
                check_clinic_hours(starts_at, minutes)
            except forms.ValidationError as error:
                self.add_error("start_time", error)
        self._clean_family_group(data)
        return data

    def _clean_family_group(self, data):
        day, start = data.get("family_group_weekday"), data.get("family_group_start")
        if day is None and start is None:
            return
        if day is None or start is None:
            self.add_error("family_group_start", _("Give both the evening and the start time, or neither."))
            return
        if day not in (data.get("weekdays") or []):
            self.add_error("family_group_weekday", _("The family group must be on one of the group's evenings."))
        group_start, minutes = data.get("start_time"), data.get("duration_minutes")
        if group_start and minutes and data.get("family_group_minutes"):
            base = datetime.date(2000, 1, 3)
            evening_end = datetime.datetime.combine(base, group_start) + datetime.timedelta(minutes=minutes)
            family_end = datetime.datetime.combine(base, start) + datetime.timedelta(
                minutes=data["family_group_minutes"]
            )
            if start < group_start or family_end > evening_end:
                self.add_error("family_group_start", _("The family group must fall within the evening."))


class GenerateForm(forms.Form):
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(), required=False, empty_label=_("All cohorts"), label=_("Cohort")
    )
    first = forms.DateField(widget=DateInput(), label=_("From"))
    last = forms.DateField(widget=DateInput(), label=_("To"))

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end date must be on or after the start date."))
            elif (last - first).days > MAX_GENERATE_DAYS:
                self.add_error("last", _("Generate at most 26 weeks at a time."))
        return data


#: The longest closure the office may enter at once (a summer break fits).
LONGEST_CLOSURE_DAYS = 92


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason", "note", "cohort"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].empty_label = _("All cohorts")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day must be on or after the first day."))
        elif (
            data.get("starts_on")
            and data.get("ends_on")
            and (data["ends_on"] - data["starts_on"]).days >= LONGEST_CLOSURE_DAYS
        ):
            # Years of evenings cancelled and every family told: a mistyped year, most likely.
            self.add_error(
                "ends_on",
                _("A closure covers at most %(n)s days; this one would cover %(days)s. Check the year.")
                % {"n": LONGEST_CLOSURE_DAYS, "days": (data["ends_on"] - data["starts_on"]).days + 1},
            )
        elif data.get("starts_on") and data.get("ends_on"):
            same = Closure.objects.filter(
                starts_on=data["starts_on"], ends_on=data["ends_on"], cohort=data.get("cohort")
            )
            if same.exists():
                # Saving it again would tell every family a second time.
                raise forms.ValidationError(_("This closure is already saved: %(c)s.") % {"c": same.first()})
        return data


class WhenForm(forms.Form):
    """A clinic-local day and start time, read as one aware datetime."""

    day = forms.DateField(widget=DateInput(), label=_("Day"))
    start_time = forms.TimeField(widget=TimeInput(), label=_("Start time"))

    def starts_at(self):
        local = datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["start_time"])
        return timezone.make_aware(local)


class MakeUpForm(WhenForm):
    replaces = forms.ModelChoiceField(
        queryset=Session.objects.none(), required=False, label=_("Stands in for"), empty_label=_("(an extra evening)")
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        # A cancelled evening not moved elsewhere and not already made up (one make-up each).
        self.fields["replaces"].queryset = (
            cohort.sessions.filter(status=Session.Status.CANCELLED, moved_to__isnull=True)
            .not_made_up()
            .order_by("-starts_at")
        )


class SessionForm(forms.ModelForm):
    agenda_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Agenda"),
        help_text=_("One part per line: title | minutes, e.g. 'Check-in | 20'."),
    )

    class Meta:
        model = Session
        fields = ["room", "facilitators"]
        widgets = {"facilitators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = clinicians()
        if not self.is_bound:
            self.initial["agenda_text"] = "\n".join(f"{i['title']} | {i['minutes']}" for i in self.instance.agenda)

    def clean_facilitators(self):
        """Someone added to the evening must not be seeing a family then (those already
        on it stay, so the room or agenda can still be changed)."""
        chosen = self.cleaned_data["facilitators"]
        added = {user.pk for user in chosen} - set(self.instance.facilitators.values_list("pk", flat=True))
        if added:
            try:
                check_facilitators_free(added, self.instance.starts_at, self.instance.ends_at)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return chosen

    def clean_agenda_text(self):
        agenda = []
        for number, line in enumerate(self.cleaned_data["agenda_text"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, minutes = line.rpartition("|")
            if not title.strip() or not minutes.strip().isdigit() or int(minutes) == 0:
                raise forms.ValidationError(_("Line %(n)s should read 'title | minutes'.") % {"n": number})
            agenda.append({"title": title.strip()[:80], "minutes": int(minutes)})
        if sum(item["minutes"] for item in agenda) > self.instance.duration_minutes:
            raise forms.ValidationError(
                _("The parts add up to more than the evening (%(m)s minutes).") % {"m": self.instance.duration_minutes}
            )
        return agenda

    def save(self, commit=True):
        self.instance.agenda = self.cleaned_data["agenda_text"]
        return super().save(commit)


#: How far back and ahead an admission or transfer may be dated.
ENROLLMENT_DAYS_BACK = 30
ENROLLMENT_DAYS_AHEAD = 90


class AdmitForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.all(), label=_("Cohort"))
    on = forms.DateField(widget=DateInput(), label=_("From"))
    outside_age_band = forms.BooleanField(
        label=_("Admit outside the cohort's age band (a clinical decision)"), required=False
    )

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_on(self):
        day = self.cleaned_data["on"]
        today = timezone.localdate()
        first = today - datetime.timedelta(days=ENROLLMENT_DAYS_BACK)
        last = today + datetime.timedelta(days=ENROLLMENT_DAYS_AHEAD)
        if not first <= day <= last:
            raise forms.ValidationError(
                _("Enter a day from %(first)s to %(last)s (up to %(back)s days back, %(ahead)s ahead).")
                % {"first": first, "last": last, "back": ENROLLMENT_DAYS_BACK, "ahead": ENROLLMENT_DAYS_AHEAD}
            )
        return day

    def clean(self):
        data = super().clean()
        cohort, day, client = data.get("cohort"), data.get("on"), self.client
        if cohort and day and client is not None and client.date_of_birth and not data.get("outside_age_band"):
            age = client.age_on(day)
            if not cohort.age_min <= age <= cohort.age_max:
                self.add_error(
                    "cohort",
                    _(
                        "%(client)s will be %(age)s; %(cohort)s is for ages %(min)s to %(max)s. Choose another "
                        "cohort, or tick the box below if this is a clinical decision."
                    )
                    % {"client": client, "age": age, "cohort": cohort, "min": cohort.age_min, "max": cohort.age_max},
                )
        return data


class TransferForm(AdmitForm):
    pass


class DischargeForm(forms.Form):
    on = forms.DateField(widget=DateInput(), label=_("Last day in group"))

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client


class SkillChoiceForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=SkillModule.objects.all(), label=_("Skill this week"))
