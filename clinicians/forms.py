"""Forms of the clinical record: questionnaire answers (entered by a clinician or
by the client) and the risk assessment that closes a safety alert."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinicians.chart_forms import earliest_note_day
from clinicians.models import RiskAssessment

YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def _is_yes(value):
    return value == "yes"


class AnswersForm(forms.Form):
    """One instrument's questions as radio buttons. Blanks are allowed (scoring
    prorates, or explains why there is no total); values it does not offer are refused."""

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.helper = FormHelper()
        self.helper.form_tag = False
        for item in instrument.items:
            self.fields[item.key] = self._scale_field(f"{item.number}. {item.text}", item)
        if instrument.difficulty:
            self.fields[instrument.difficulty.key] = self._scale_field(
                instrument.difficulty.text, instrument.difficulty
            )
        for question in instrument.yes_no_questions:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.text,
                choices=YES_NO_CHOICES,
                coerce=_is_yes,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def _scale_field(label, item):
        return forms.TypedChoiceField(
            label=label,
            choices=[(option.value, option.label) for option in item.options],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(item.key) is not None for item in self.instrument.items):
            raise forms.ValidationError(_("Please answer the questions before sending."))
        return cleaned

    def blank_questions(self):
        """Numbers of the scored questions left blank, and how many yes/no questions."""
        data = self.cleaned_data
        items = [item.number for item in self.instrument.items if data.get(item.key) is None]
        yes_no = sum(1 for question in self.instrument.yes_no_questions if data.get(question.key) is None)
        return items, yes_no

    def blank_safety_questions(self):
        """The questions about suicide or self-harm left blank (their text): a blank is not a no."""
        data, instrument = self.cleaned_data, self.instrument
        safety = [item for item in instrument.items if item.key == instrument.safety_item_key]
        safety += [question for question in instrument.yes_no_questions if question.asks_about_suicide]
        return [question for question in safety if data.get(question.key) is None]

    def answers(self):
        keys = {question.key for question in self._questions()}
        return {key: value for key, value in self.cleaned_data.items() if key in keys and value is not None}

    def _questions(self):
        instrument = self.instrument
        return [*instrument.items, *filter(None, [instrument.difficulty]), *instrument.yes_no_questions]


class SelfReportForm(AnswersForm):
    """The teen's own questionnaire (kiosk or one-time link). Blank questions are
    allowed, but not by accident: the first time the form is sent with blanks it
    comes back, answers kept, saying which are blank; sent again, it goes as it is.
    The questions about suicide are the ones that matter most not to skip unseen."""

    CONFIRM = "send_anyway"

    def clean(self):
        cleaned = super().clean()
        items, yes_no = self.blank_questions()
        self.asks_to_confirm = bool(items or yes_no) and self.data.get(self.CONFIRM) != "1"
        if self.asks_to_confirm:
            parts = []
            if items:
                parts.append(
                    ngettext("question %(n)s", "questions %(n)s", len(items))
                    % {"n": ", ".join(str(number) for number in items)}
                )
            if yes_no:
                parts.append(ngettext("%(n)s yes/no question", "%(n)s yes/no questions", yes_no) % {"n": yes_no})
            raise forms.ValidationError(
                _(
                    "You left %(blank)s blank. You can answer them now, or press Send my answers again to "
                    "send your answers as they are."
                )
                % {"blank": _(" and ").join(parts)}
            )
        return cleaned


class ClinicianEntryForm(AnswersForm):
    """A clinician enters answers given on paper or in session, with when they were given."""

    administered_at = forms.DateTimeField(
        label=_("Completed on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["administered_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.asks_to_confirm = False
        # The date first, then the questions.
        self.order_fields(["administered_at"])

    def clean_administered_at(self):
        value = self.cleaned_data["administered_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("This is in the future; enter when the questionnaire was completed."))
        if self.client is not None:
            # A questionnaire from years ago is a mistyped year; one at intake is fine.
            earliest = earliest_note_day(self.client)
            if timezone.localdate(value) < earliest:
                raise forms.ValidationError(
                    _("Enter a time on or after %(day)s, the client's first admission (or referral).")
                    % {"day": date_format(earliest, "D j M Y")}
                )
        return value

    #: Sent back by the form once the blanks have been pointed out.
    CONFIRM = "save_anyway"

    def clean(self):
        """Blanks are saved only on purpose: the first save with blanks comes back
        saying which, answers kept; a blank question about suicide or self-harm is
        named, since a blank is not a no."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        items, yes_no = self.blank_questions()
        self.asks_to_confirm = bool(items or yes_no) and self.data.get(self.CONFIRM) != "1"
        if not self.asks_to_confirm:
            return cleaned
        blanks = []
        if items:
            blanks.append(ngettext("question %(n)s", "questions %(n)s", len(items)) % {"n": ", ".join(map(str, items))})
        if yes_no:
            blanks.append(ngettext("%(n)s yes/no question", "%(n)s yes/no questions", yes_no) % {"n": yes_no})
        message = _("%(blank)s left blank.") % {"blank": capfirst(_(" and ").join(blanks))}
        safety = self.blank_safety_questions()
        if safety:
            message += " " + _("Among them, about suicide or self-harm: %(questions)s A blank is not a no.") % {
                "questions": " ".join(f"“{question.text}”" for question in safety)
            }
        message += " " + _("Fill them in, or press Save again to save the answers as they are.")
        raise forms.ValidationError(message)


class RiskAssessmentForm(forms.ModelForm):
    class Meta:
        model = RiskAssessment
        fields = ["cssrs_screen", "disposition", "safety_plan", "family_contacted", "notes"]
        widgets = {
            "cssrs_screen": forms.RadioSelect,
            "disposition": forms.RadioSelect,
            "safety_plan": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"notes": _("Assessment notes")}
        help_texts = {"notes": _("What the client said, protective factors, who was told, the plan for tonight.")}

    #: Sending a client judged at high risk home is a decision to make on purpose.
    HOME = (RiskAssessment.Disposition.HOME_WITH_PLAN, RiskAssessment.Disposition.HOME_WITH_FOLLOW_UP)

    home_at_high_risk = forms.BooleanField(
        label=_("High risk, going home: I have consulted and written in the notes who agreed and why home is safe"),
        required=False,
    )

    #: Where the client goes on to another service, that service may write the safety plan.
    ELSEWHERE = (RiskAssessment.Disposition.HIGHER_LEVEL_OF_CARE, RiskAssessment.Disposition.EMERGENCY_EVALUATION)
    #: The answers that say a safety plan was written or updated in answer to the alert.
    WRITTEN = (RiskAssessment.SafetyPlan.CREATED, RiskAssessment.SafetyPlan.REVIEWED)

    def __init__(self, *args, alert, safety_plans, reads_chart=True, writes_plan=None, **kwargs):
        """``safety_plans``: the client's safety plan ``Versions`` the user may read, to
        check that one said to be created or updated tonight was signed since ``alert``
        was raised. ``reads_chart``: whether the user may open the client's chart;
        ``writes_plan``: whether they may also write in it (not by emergency access)."""
        super().__init__(*args, **kwargs)
        self.alert, self.safety_plans, self.reads_chart = alert, safety_plans, reads_chart
        self.writes_plan = reads_chart if writes_plan is None else writes_plan
        self.helper = FormHelper()
        self.helper.form_tag = False
        for name in ("cssrs_screen", "disposition", "safety_plan"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        # The box is offered only once a high screen and a home disposition are sent together.
        data = self.data if self.is_bound else {}
        high_and_home = data.get("cssrs_screen") == RiskAssessment.ScreenResult.HIGH and data.get("disposition") in (
            self.HOME
        )
        if not high_and_home:
            del self.fields["home_at_high_risk"]

    #: A documented assessment is a sentence or two at least, not a placeholder.
    NOTES_AT_LEAST = 20

    def clean_notes(self):
        notes = self.cleaned_data["notes"]
        if len(notes.strip()) < self.NOTES_AT_LEAST:
            raise forms.ValidationError(
                _("Write what the client said, what protects them and the plan for tonight: a sentence or two.")
            )
        return notes

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("safety_plan") == RiskAssessment.SafetyPlan.NOT_NEEDED
            and cleaned.get("cssrs_screen")
            and cleaned["cssrs_screen"] != RiskAssessment.ScreenResult.NO_RISK
        ):
            self.add_error("safety_plan", _("With any risk identified, a safety plan is created or reviewed."))
        self._check_safety_plan(cleaned.get("safety_plan"), cleaned.get("disposition"))
        if "home_at_high_risk" in self.fields and not cleaned.get("home_at_high_risk"):
            self.add_error(
                "disposition",
                _(
                    "The screen says high risk and the disposition is home. If that is the decision, write in the "
                    "notes who was consulted and why home is safe tonight, and tick the box below; otherwise "
                    "choose a higher level of care or an emergency evaluation."
                ),
            )
        return cleaned

    def _check_safety_plan(self, answer, disposition):
        if answer == RiskAssessment.SafetyPlan.REFERRED_ON and disposition and disposition not in self.ELSEWHERE:
            self.add_error(
                "safety_plan",
                _("Going home, the client leaves with a safety plan: create or review it with them tonight."),
            )
        # Checked for those who can open the chart; the on-call clinician or director
        # without it writes neither the plan nor into the chart (emergency access only
        # reads), so the team records it and the notes say who.
        if answer in self.WRITTEN and self.writes_plan and not self.signed_since_alert():
            self.add_error(
                "safety_plan",
                _(
                    "No safety plan has been signed since this alert was raised. Write or update it with the "
                    "client and sign it (the safety plan button above opens it in a new tab; this form keeps "
                    "what you typed), then save again."
                ),
            )

    def signed_since_alert(self):
        return any(v.is_signed and v.signed_at >= self.alert.created_at for v in self.safety_plans.all)
