"""A client's details as the program office keeps them: entered at referral,
corrected later. Clinical content never passes through here."""

import datetime
import json
import re

from allauth.account.models import EmailAddress
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from . import grants, staff
from .models import PROGRAM_RANGES, Client, Program, Role, User

#: Ages a date of birth may give before the form asks to check it: a little wider
#: than the program's 11-17 (a tween referred at 10, a senior at 18), narrow enough
#: to catch a mistyped year.
PLAUSIBLE_AGES = (8, 21)

_NUMBERED = re.compile(r"^(\D*)(\d+)$")


def next_chart_numbers():
    """The next free chart number in each numbering series in use ("T-1009", "W-2009")."""
    highest = {}
    for number in Client.objects.values_list("chart_number", flat=True):
        match = _NUMBERED.match(number.upper())
        if match:
            prefix, digits = match.groups()
            if int(digits) >= int(highest.get(prefix, "0")):
                highest[prefix] = digits
    return [f"{prefix}{int(digits) + 1:0{len(digits)}d}" for prefix, digits in sorted(highest.items())]


class ClientDetailsForm(forms.ModelForm):
    phone = PhoneNumberField(label=_("Client's own phone"), region="US", required=False)
    different_person = forms.BooleanField(
        label=_("It is a different person with the same name and date of birth"), required=False
    )

    class Meta:
        model = Client
        fields = [
            "chart_number",
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "school",
            "grade",
            "email",
            "phone",
        ]
        labels = {
            "chart_number": _("Chart number"),
            "legal_first_name": _("Legal first name"),
            "legal_last_name": _("Legal last name"),
            "preferred_name": _("Preferred name"),
            "pronouns": _("Pronouns"),
            "date_of_birth": _("Date of birth"),
            "school": _("School"),
            "grade": _("Grade"),
            "email": _("Client's own email"),
        }
        help_texts = {
            "preferred_name": _("The name the client goes by, if it differs from the legal first name."),
            "email": _("Only the client's own address; family members are invited from Families."),
        }
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        client = self.instance
        if client.pk and client.status != Client.Status.REFERRED:
            # Reports, exports and printed safety plans carry the number from admission on.
            self.fields["chart_number"].disabled = True
            self.fields["chart_number"].help_text = _("Fixed once the client is admitted.")
        else:
            suggestions = next_chart_numbers()
            if suggestions:
                self.fields["chart_number"].help_text = _("Next free numbers: %(numbers)s.") % {
                    "numbers": ", ".join(suggestions)
                }
        for name in ("chart_number", "legal_first_name", "legal_last_name", "preferred_name", "school"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
        # Asked only when the name and date of birth match another client's (see clean),
        # and for a client on file only when one of them is being changed.
        self.same_as = self._same_person() if self.is_bound and self._identity_changes() else None
        if self.same_as is None:
            del self.fields["different_person"]

    def _identity_changes(self):
        if self.instance.pk is None:
            return True
        return bool({"legal_first_name", "legal_last_name", "date_of_birth"} & set(self.changed_data))

    def _same_person(self):
        # Read before the form is validated: each value only as its field accepts it
        # (a NUL byte or a 100,000-character paste is the field's error, not a query).
        first, last, born = (
            self._as_accepted(name) for name in ("legal_first_name", "legal_last_name", "date_of_birth")
        )
        if not (first and last and born):
            return None
        others = Client.objects.filter(
            legal_first_name__iexact=first, legal_last_name__iexact=last, date_of_birth=born
        ).exclude(pk=self.instance.pk)
        return others.order_by("pk").first()

    def _as_accepted(self, name):
        try:
            return self.fields[name].clean(self.data.get(self.add_prefix(name)))
        except forms.ValidationError:
            return None

    def clean_chart_number(self):
        number = self.cleaned_data["chart_number"].strip().upper()
        taken = Client.objects.filter(chart_number__iexact=number).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise forms.ValidationError(
                _("Chart number %(number)s is already %(client)s's.") % {"number": taken.chart_number, "client": taken}
            )
        return number

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if self.instance.pk is not None and born == self.instance.date_of_birth:
            return born  # a client on file grows older; only a new or changed date is questioned
        today = timezone.localdate()
        if born >= today:
            raise forms.ValidationError(_("Enter a date of birth in the past."))
        age = Client(date_of_birth=born).age_on(today)
        youngest, oldest = PLAUSIBLE_AGES
        if not youngest <= age <= oldest:
            raise forms.ValidationError(
                _("Check the date of birth: it makes the client %(age)s. The program serves ages 11 to 17.")
                % {"age": age}
            )
        return born

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return phone.as_e164 if phone else ""

    def save_details(self):
        """Save what the form changed and nothing else (status, cohort and admission are
        enrollment's: an admission saved meanwhile stays). A chart number taken at the
        same moment by another admin comes back as an error on the form (returns None)."""
        client = self.save(commit=False)
        try:
            with transaction.atomic():
                if client.pk is None:
                    client.save()
                else:
                    client.save(update_fields=[name for name in self.changed_data if name in self.Meta.fields])
        except IntegrityError:
            self.add_error("chart_number", _("Another client has just been given this chart number."))
            return None
        return client

    def clean(self):
        data = super().clean()
        if self.same_as is not None and not data.get("different_person"):
            other = self.same_as
            self.add_error(
                None,
                _(
                    "%(client)s (chart %(number)s, %(status)s) has this name and date of birth. If it is the same "
                    "child, use that record; if not, tick the box below."
                )
                % {"client": other.legal_name, "number": other.chart_number, "status": other.get_status_display()},
            )
        return data


class AccessGrantForm(forms.Form):
    grantee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Clinician"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this clinician needs the record, e.g. medication management."),
    )
    until = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        clinicians = User.objects.filter(role=Role.CLINICIAN, is_active=True).order_by("last_name", "first_name")
        # The team reaches the record without a grant: it is not offered.
        self.fields["grantee"].queryset = clinicians.exclude(pk__in=grants.team_ids(client))
        self.fields["until"].help_text = _("At most %(days)s days from today.") % {"days": grants.LONGEST_GRANT_DAYS}

    def clean_until(self):
        day = self.cleaned_data["until"]
        today = timezone.localdate()
        last = today + datetime.timedelta(days=grants.LONGEST_GRANT_DAYS)
        if not today <= day <= last:
            raise forms.ValidationError(
                _("Enter a day from today to %(last)s.") % {"last": date_format(last, "D j M Y")}
            )
        return day

    def clean_grantee(self):
        person = self.cleaned_data["grantee"]  # the team is not offered: it needs no grant
        current = grants.active_grant(person, self.client)
        if current is not None:
            until = timezone.localdate(current.expires_at - datetime.timedelta(microseconds=1))
            raise forms.ValidationError(
                _("%(person)s has access until %(day)s. To change the day, revoke it and grant again.")
                % {"person": person, "day": date_format(until, "D j M Y")}
            )
        return person


class StaffForm(forms.ModelForm):
    """A staff account: who, which role and credential, and whether it is active."""

    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in (Role.CLINICIAN, Role.PROGRAM_ADMIN)]
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "credential", "is_privacy_officer", "is_active"]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email": _("Work email (they sign in with it)"),
            "credential": _("Credential"),
            "is_privacy_officer": _("Privacy officer"),
            "is_active": _("Account active"),
        }
        help_texts = {
            "credential": _("Clinicians only. Psychiatrists and psychiatric NPs may record medications."),
            "is_active": _("Untick when someone leaves: they are signed out at their next click."),
        }

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        if not self.instance.pk:
            del self.fields["is_active"]  # a new account is active, waiting for its password
        elif staff.has_joined(self.instance):
            # Their sign-in and password resets go to this address: once they have joined,
            # changing it here would let whoever holds the new address take the account over.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "Fixed once they have chosen a password: it is how they sign in and reset it. "
                "A superuser can change it in the Django admin."
            )
        # Who may review the audit trail is given only by someone who may review it.
        if not (editor.is_privacy_officer or editor.is_superuser):
            del self.fields["is_privacy_officer"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if taken is None:
            # The sign-in's own table of addresses counts too (an address used before).
            kept = EmailAddress.objects.filter(email__iexact=email).exclude(user=self.instance.pk).first()
            taken = kept.user if kept is not None else None
        if taken is not None:
            if taken.is_family:
                raise forms.ValidationError(_("This address belongs to a family account; use the work address."))
            raise forms.ValidationError(_("%(person)s already signs in with this address.") % {"person": taken})
        return email

    def clean(self):
        data = super().clean()
        role, person = data.get("role"), self.instance
        if role == Role.PROGRAM_ADMIN and data.get("credential"):
            self.add_error("credential", _("Only clinicians have a credential here; leave it empty."))
        if person.pk is None:
            return data
        losing_role = role is not None and role != person.role
        deactivating = "is_active" in data and not data["is_active"] and person.is_active
        if person.pk == self.editor.pk and (losing_role or deactivating):
            raise forms.ValidationError(
                _("You cannot change your own role or deactivate your own account; ask another admin.")
            )
        if person.is_program_admin and (losing_role or deactivating) and not staff.active_admins_other_than(person):
            raise forms.ValidationError(_("%(person)s is the only active program admin.") % {"person": person})
        return data


class ProgramForm(forms.ModelForm):
    """The program's settings as the program office keeps them: who is on call, how
    the clinic is reached, quiet hours and the clinical cadences."""

    #: Safety alerts go to these two, so each must be a clinician who can act on one.
    ALERTED = ("on_call_clinician", "director")

    class Meta:
        model = Program
        fields = [
            "name",
            "clinic_name",
            "address",
            "phone",
            "on_call_clinician",
            "director",
            "alert_escalation_minutes",
            "quiet_hours_start",
            "quiet_hours_end",
            "plan_review_days",
            "phq_due_days",
            "max_clients_per_staff",
            "emergency_access_hours",
        ]
        labels = {"name": _("Program name"), "clinic_name": _("Clinic name")}
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    phone = PhoneNumberField(
        label=_("Clinic phone"),
        region="US",
        required=False,
        help_text=_("Families are given this number on notices and on the safety plan."),
    )

    #: The settings as the page showed them (JSON): a save over someone else's change
    #: made meanwhile is stopped and named, not let through to undo it unseen.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before = self._shown(self.instance)
        self.initial["seen"] = json.dumps(self.before, sort_keys=True)
        # Active clinicians who have joined; someone already chosen stays in the list
        # (so a save does not drop them unseen) and is refused by name if no longer one.
        joined = staff.joined_clinicians()
        for name in self.ALERTED:
            chosen = Q(pk=getattr(self.instance, f"{name}_id") or 0)
            self.fields[name].queryset = User.objects.filter(Q(pk__in=joined.values("pk")) | chosen).order_by(
                "last_name", "first_name"
            )
            self.fields[name].empty_label = _("Nobody")
        self.eligible = set(joined.values_list("pk", flat=True))
        for name, (low, high) in PROGRAM_RANGES.items():
            field = self.fields[name]
            # One message naming the program's range, not also the column's "at least 0".
            field.validators = [
                v for v in field.validators if not isinstance(v, (MinValueValidator, MaxValueValidator))
            ] + [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)
            field.help_text = _("%(help)s From %(low)s to %(high)s.") % {
                "help": field.help_text,
                "low": low,
                "high": high,
            }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("The clinic"), "name", "clinic_name", "address", "phone"),
            Fieldset(_("Safety alerts"), "on_call_clinician", "director", "alert_escalation_minutes"),
            Fieldset(_("Messages"), "quiet_hours_start", "quiet_hours_end"),
            Fieldset(
                _("Clinical cadence"),
                "plan_review_days",
                "phq_due_days",
                "max_clients_per_staff",
                "emergency_access_hours",
            ),
            "seen",
        )

    def _shown(self, program):
        """Each setting as the page shows it: what the audit trail keeps."""
        return {
            name: "" if getattr(program, name) is None else str(getattr(program, name)) for name in self._meta.fields
        }

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return phone.as_national if phone else ""

    def clean(self):
        data = super().clean()
        for name in self.ALERTED:
            person = data.get(name)
            if person is not None and person.pk not in self.eligible:
                self.add_error(
                    name,
                    _("%(person)s is no longer an active clinician who has joined: choose someone else.")
                    % {"person": person},
                )
        if data.get("quiet_hours_start") and data.get("quiet_hours_start") == data.get("quiet_hours_end"):
            self.add_error("quiet_hours_end", _("Quiet hours need different start and end times."))
        self._check_changed_meanwhile(data.get("seen"))
        return data

    def _check_changed_meanwhile(self, seen):
        try:
            shown = json.loads(seen or "{}")
        except ValueError:
            shown = {}
        if not isinstance(shown, dict):
            shown = {}  # not what the page wrote: nothing to compare with
        meanwhile = [name for name in self._meta.fields if name in shown and shown[name] != self.before[name]]
        if not meanwhile:
            return
        now = ", ".join(f"{self.fields[name].label}: {self.before[name] or _('nobody or blank')}" for name in meanwhile)
        self.add_error(
            None,
            _(
                "Someone saved the settings while you had this page open. Now: %(now)s. Check the form (what "
                "you typed is kept) and save again to apply it."
            )
            % {"now": now},
        )
        # The next save is measured against the settings as they are now.
        self.data = self.data.copy()
        self.data["seen"] = json.dumps(self.before, sort_keys=True)

    def changes(self):
        """Each setting the form changes, as [before, after] (none when only the
        spelling of the same value differs, such as a phone number's)."""
        after = self._shown(self.instance)
        return {
            name: [self.before[name], after[name]] for name in self._meta.fields if after[name] != self.before[name]
        }
