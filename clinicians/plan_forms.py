"""Forms for writing and reviewing a treatment plan: the plan itself, its
objectives and interventions (formsets), signing, acknowledgement and review."""

import datetime

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from iop.models import User

from .chart_forms import DateInput, bare_helper
from .models import Intervention, Objective, ObjectiveProgress, PlanAcknowledgement, PlanReview, Problem, TreatmentPlan


class TreatmentPlanForm(forms.ModelForm):
    problems = forms.MultipleChoiceField(choices=Problem.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = TreatmentPlan
        fields = ["problems", "other_problem", "goal", "discharge_criteria", "discharge_process"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "discharge_criteria": forms.Textarea(attrs={"rows": 3}),
            "discharge_process": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "goal": _('Write it as the client said it, e.g. "I want to go back to school."'),
            "other_problem": _('Only when "Other" is ticked.'),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = bare_helper()
        self.helper.layout = Layout(
            InlineCheckboxes("problems"), "other_problem", "goal", "discharge_criteria", "discharge_process"
        )

    def clean(self):
        cleaned = super().clean()
        if Problem.OTHER in cleaned.get("problems", []) and not cleaned.get("other_problem", "").strip():
            self.add_error("other_problem", _("Name the other problem."))
        return cleaned


def row_helper(*rows):
    """A compact layout for one row of a formset; hidden fields (the row's id) still render."""
    helper = bare_helper()
    helper.layout = Layout(*rows)
    helper.render_hidden_fields = True
    return helper


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["text", "measure", "target_date", "how_measured"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "target_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = row_helper(
            Row(
                Column("text", css_class="col-md-6"),
                Column("measure", css_class="col-md-3"),
                Column("target_date", css_class="col-md-3"),
            ),
            Row(Column("how_measured", css_class="col-md-9"), Column("DELETE", css_class="col-md-3 pt-md-4")),
        )

    def clean_target_date(self):
        """A target set or changed now lies ahead, within a year; one carried over
        unchanged from the last version is left for the review to judge."""
        day = self.cleaned_data["target_date"]
        if day is None or "target_date" not in self.changed_data:
            return day
        today = timezone.localdate()
        last = today + datetime.timedelta(days=365 * TARGET_MONTHS_AHEAD // 12)
        if not today <= day <= last:
            raise forms.ValidationError(
                _("Set a target from today to %(last)s.") % {"last": date_format(last, "D j M Y")}
            )
        return day


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["kind", "description", "frequency", "responsible"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(role="clinician", is_active=True)
        self.helper = row_helper(
            Row(
                Column("kind", css_class="col-md-3"),
                Column("frequency", css_class="col-md-3"),
                Column("responsible", css_class="col-md-3"),
                Column("DELETE", css_class="col-md-3 pt-md-4"),
            ),
            "description",
        )


class PartsFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = bare_helper()


ObjectiveFormSet = inlineformset_factory(
    TreatmentPlan, Objective, form=ObjectiveForm, formset=PartsFormSet, extra=1, can_delete=True
)
InterventionFormSet = inlineformset_factory(
    TreatmentPlan, Intervention, form=InterventionForm, formset=PartsFormSet, extra=1, can_delete=True
)


class SignPlanForm(forms.Form):
    """Confirms signing; when text matches another client's plan, a reason is required."""

    copied_text_reason = forms.CharField(
        label=_("Why this wording is right for this client"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, copied, clinical=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.copied = copied
        self.clinical = clinical
        if not (copied or clinical):
            del self.fields["copied_text_reason"]
        self.helper = bare_helper()

    def clean_copied_text_reason(self):
        reason = self.cleaned_data["copied_text_reason"].strip()
        if reason:
            return reason
        if self.copied:
            raise forms.ValidationError(
                _("This text matches another client's plan. Rewrite it with the client, or say why it fits.")
            )
        if self.clinical:
            raise forms.ValidationError(
                _("The goal reads as clinical wording. Rewrite it with the client, or say why these are their words.")
            )
        return reason


def check_day_since_signing(day, plan):
    """A day something happened to a signed plan: not ahead of today, not before signing."""
    if day > timezone.localdate():
        raise forms.ValidationError(_("Enter a day that has come: today or earlier."))
    signed_on = timezone.localdate(plan.signed_at) if plan is not None and plan.signed_at else None
    if signed_on and day < signed_on:
        raise forms.ValidationError(
            _("Version %(version)s was signed on %(day)s: enter that day or later.")
            % {"version": plan.version, "day": date_format(signed_on, "D j M Y")}
        )
    return day


#: The furthest an objective's target date may be set ahead (a stay lasts 2 weeks to 3 months).
TARGET_MONTHS_AHEAD = 12


class AcknowledgementForm(forms.ModelForm):
    class Meta:
        model = PlanAcknowledgement
        fields = ["party", "family_member", "acknowledged_on"]
        widgets = {"acknowledged_on": DateInput()}
        labels = {"party": _("Acknowledged by")}

    def __init__(self, *args, client, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["family_member"].queryset = User.objects.filter(family_links__client=client)
        self.fields["family_member"].help_text = _("Only for a family acknowledgement.")
        self.helper = bare_helper()

    def clean_acknowledged_on(self):
        return check_day_since_signing(self.cleaned_data["acknowledged_on"], self.plan)

    def clean(self):
        cleaned = super().clean()
        party, member = cleaned.get("party"), cleaned.get("family_member")
        if party == PlanAcknowledgement.Party.FAMILY and not member:
            self.add_error("family_member", _("Choose the family member who acknowledged the plan."))
        if party == PlanAcknowledgement.Party.CLIENT:
            cleaned["family_member"] = None
        return cleaned


class PlanReviewForm(forms.ModelForm):
    class Meta:
        model = PlanReview
        fields = ["reviewed_on", "summary"]
        widgets = {"reviewed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = bare_helper()

    def clean_reviewed_on(self):
        # A review dated ahead would push the next one out and hide a late review.
        return check_day_since_signing(self.cleaned_data["reviewed_on"], self.instance.plan)


class ObjectiveProgressForm(forms.ModelForm):
    class Meta:
        model = ObjectiveProgress
        fields = ["status", "comment"]
        labels = {"status": _("Progress")}

    def __init__(self, *args, objective, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective = objective
        self.helper = bare_helper()


def progress_forms(objectives, data=None):
    return [ObjectiveProgressForm(data, objective=o, prefix=f"objective-{o.pk}") for o in objectives]
