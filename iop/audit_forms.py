"""Forms of the audit review pages and of emergency access."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditEntry, Client, User


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-sm-auto g-2 align-items-end"
        self.helper.add_input(Submit("show", _("Show"), css_class="btn-secondary"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data


class Select(forms.Select):
    """A select over a fixed list of choices (the event catalogue): each option's
    markup is built once per language instead of through a template per option
    on every request. The markup is the same as ``forms.Select`` renders, and the
    class keeps its name, which the form layout turns into the field's CSS class."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self._options = {}  # shared by the copies each form makes

    def render(self, name, value, attrs=None, renderer=None):
        selected = self.format_value(value)
        options, found = [], False
        for option_value, plain, chosen in self._options_html():
            if not found and option_value in selected:
                options.append(chosen)
                found = True
            else:
                options.append(plain)
        attrs_html = "".join(
            ""
            if attr_value is False
            else format_html(" {}", attr)
            if attr_value is True
            else format_html(' {}="{}"', attr, attr_value)
            for attr, attr_value in self.build_attrs(self.attrs, attrs).items()
        )
        return mark_safe(format_html('<select name="{}"', name) + attrs_html + ">" + "".join(options) + "\n</select>")

    def _options_html(self):
        language = get_language()
        options = self._options.get(language)
        if options is None:
            options = self._options[language] = tuple(
                (
                    str(option_value),
                    format_html('\n  <option value="{}">{}</option>\n', option_value, label),
                    format_html('\n  <option value="{}" selected>{}</option>\n', option_value, label),
                )
                for option_value, label in self.choices
            )
        return options


def _event_choices():
    return [("", str(_("Any"))), *audit.event_choices()]


_BLANK_FILTER_FORMS = {}  # language -> the filter form's markup with nothing filled in


class AuditFilterForm(PeriodForm):
    user = forms.CharField(label=_("User (email)"), required=False, max_length=254)
    client = forms.CharField(label=_("Client (chart number)"), required=False, max_length=20)
    event = forms.ChoiceField(label=_("Action"), required=False, choices=_event_choices, widget=Select)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any"))] + list(AuditEntry.Outcome.choices)
    )
    field_order = ["user", "client", "event", "outcome", "date_from", "date_to"]

    def html(self):
        """The form's markup. With no filter filled in it is the same for everyone
        and depends only on the language, so that one is rendered once per language."""
        if self.is_bound and (self.errors or any(self.data.get(name) for name in self.fields)):
            return render_crispy_form(self)
        language = get_language()
        html = _BLANK_FILTER_FORMS.get(language)
        if html is None:
            html = _BLANK_FILTER_FORMS[language] = render_crispy_form(type(self)())
        return html

    def clean_user(self):
        email = self.cleaned_data["user"].strip()
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account has that email address."))
        return user

    def clean_client(self):
        chart = self.cleaned_data["client"].strip()
        if not chart:
            return None
        client = Client.objects.filter(chart_number__iexact=chart).first()
        if client is None:
            raise forms.ValidationError(_("No client has that chart number."))
        return client

    def filters(self):
        """The cleaned filters as iop.audit_review.filtered takes them."""
        names = {"user": "actor"}
        return {names.get(key, key): value for key, value in self.cleaned_data.items() if value not in (None, "")}


class AccessHistoryForm(PeriodForm):
    """The period of an accounting of who has seen a record: by default the last twelve months."""

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        data = data if data and (data.get("date_from") or data.get("date_to")) else None
        super().__init__(data, initial={"date_from": today - datetime.timedelta(days=365), "date_to": today}, **kwargs)

    def period(self):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return self.initial["date_from"], self.initial["date_to"]


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this client's record now?"),
        min_length=15,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your program's privacy officer and the client's lead clinician will read this."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("open", _("Open the record (emergency access)"), css_class="btn-danger"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 15:
            raise forms.ValidationError(_("Say what the emergency is, in a sentence."))
        return reason
