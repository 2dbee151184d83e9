"""Forms for the chart: notes, addenda, medications, safety plans, discharge.
Treatment-plan forms are in plan_forms.py."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from iop.models import PRESCRIBER_CREDENTIALS, Role, User

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

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        if kind not in Note.FAMILY_KINDS:
            del self.fields["participants"]
        else:
            self.fields["participants"].required = True
        self.helper = bare_helper()


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


class StopMedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["stopped_on", "stop_reason"]
        widgets = {"stopped_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stopped_on"].required = True
        self.helper = bare_helper()


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = list(SafetyPlan.copied_fields)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SafetyPlan.copied_fields}

    def __init__(self, *args, **kwargs):
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
