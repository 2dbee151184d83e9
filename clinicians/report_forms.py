"""The progress report request form."""

from crispy_forms.layout import Div, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .chart_forms import DateInput, bare_helper
from .group_charting import other_client_names, refuse_names
from .models import ProgressReport

#: A report covers at most this many days (a typical stay is 8-12 weeks, at most about 3 months).
LONGEST_PERIOD_DAYS = 200
PAYER_FIELDS = ("diagnosis", "presentation", "skills_outside_program", "barriers_to_discharge")
#: Typed sections stay a few paragraphs, so a report stays a few pages.
LONGEST_TEXT = 4000


class ReportRequestForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["variant", "period_start", "period_end", "language", "summary", *PAYER_FIELDS]
        widgets = {
            "variant": forms.RadioSelect,
            "period_start": DateInput(),
            "period_end": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in PAYER_FIELDS},
        }
        labels = {"language": _("Language (family report)")}
        help_texts = {
            "summary": _("Shown as typed. A family report shows it to the family: plain words, no clinical detail."),
        }

    def __init__(self, *args, client, **kwargs):
        self.client = client
        super().__init__(*args, **kwargs)
        self.helper = bare_helper()
        # Each variant's own fields show when it is chosen (static/js/app.js); without
        # the script every field shows, and those of another variant are ignored.
        self.helper.layout = Layout(
            "variant",
            "period_start",
            "period_end",
            Div("language", data_shown_when=f"variant={ProgressReport.Variant.FAMILY}"),
            "summary",
            Div(*PAYER_FIELDS, data_shown_when=f"variant={ProgressReport.Variant.PAYER}"),
        )
        for name in PAYER_FIELDS:
            self.fields[name].help_text = f"{_('Continued-stay review only.')} {self.fields[name].help_text}".strip()
        for name in ("summary", *PAYER_FIELDS):
            self.fields[name].max_length = LONGEST_TEXT
            self.fields[name].validators.append(MaxLengthValidator(LONGEST_TEXT))
            self.fields[name].widget.attrs["maxlength"] = LONGEST_TEXT

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("The period ends before it starts."))
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                too_long = _("A report covers at most %(days)d days.") % {"days": LONGEST_PERIOD_DAYS}
                self.add_error("period_end", too_long)
            if end > timezone.localdate():
                self.add_error("period_end", _("The period cannot end in the future."))
            if self.client.admitted_on and end < self.client.admitted_on:
                self.add_error("period_end", _("The period ends before the client was admitted."))
        if cleaned.get("variant") == ProgressReport.Variant.PAYER:
            for name in ("diagnosis", "presentation", "barriers_to_discharge"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("A continued-stay review needs this."))
        else:
            for name in PAYER_FIELDS:
                cleaned[name] = ""
        if cleaned.get("variant") == ProgressReport.Variant.FAMILY:
            message = _(
                "A family report goes to this client's family, so it must not name another client (found: %(names)s)."
            )
            refuse_names(self, ["summary"], other_client_names(self.client), message)
        return cleaned

    @property
    def details(self):
        return {name: self.cleaned_data[name] for name in ("language", *PAYER_FIELDS)}
