"""Forms of the evening's chart. Every field belongs to one <form> on the page
(``CHART_FORM``) through the HTML ``form`` attribute, so signed parts, with their
own addendum forms, can sit between the drafts in roster order."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .chart_forms import bare_helper
from .models import GroupAddendum, GroupNote, IndividualEntry

CHART_FORM = "chart-form"


def _in_chart_form(form):
    for field in form.fields.values():
        field.widget.attrs["form"] = CHART_FORM
    form.helper = bare_helper()


class GroupNoteForm(forms.ModelForm):
    prefix = "group"

    class Meta:
        model = GroupNote
        fields = ["skill", "activities", "themes"]
        widgets = {"activities": forms.Textarea(attrs={"rows": 3}), "themes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"themes": _("Themes that came up. No client names: this part goes into every attendee's chart.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _in_chart_form(self)


class IndividualEntryForm(forms.ModelForm):
    class Meta:
        model = IndividualEntry
        fields = ["participation", "mood_affect", "progress", "risk", "risk_details", "plan"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 2}),
            "risk_details": forms.Textarea(attrs={"rows": 2}),
            "plan": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"mood_affect": _("e.g. euthymic, bright; anxious, restricted")}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, prefix=f"entry-{client.pk}", **kwargs)
        self.fields["participation"].choices = [("", _("Choose…")), *IndividualEntry.Participation.choices]
        self.fields["risk"].choices = [("", _("Choose…")), *IndividualEntry.Risk.choices]
        _in_chart_form(self)


class GroupAddendumForm(forms.ModelForm):
    class Meta:
        model = GroupAddendum
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": _("Addendum")}
        help_texts = {"text": _("A dated correction or later information. The signed note stays as it was.")}
