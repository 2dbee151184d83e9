"""Forms: inviting a family member, their contact preferences, "do not contact",
skill summaries and personal notes, the family-group sheet, and family
appointments."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from clinicians.group_charting import cohort_client_names, other_client_names, refuse_names
from groups.models import Session
from iop.date_limits import check_clinic_hours
from iop.models import Client, Role, User

from .models import PERSONAL_NOTE_MAX_CHARS, FamilyAppointment, FamilyLink, PersonalNote, SkillSummary

SUMMARY_FIELD_MAX_CHARS = 3000


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.chart_number})"


def _is_an_address(typed):
    """Only an address is looked up: anything else (a 100,000-character paste, a NUL
    byte) is refused by the field with a message, not sent to the database."""
    try:
        validate_email(typed)
    except ValidationError:
        return False
    return len(typed) <= User._meta.get_field("email").max_length


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    client = ClientChoiceField(label=_("Client"), queryset=Client.objects.none())
    relationship = forms.ChoiceField(label=_("Relationship to the client"), choices=FamilyLink.Relationship.choices)
    legal_authority = forms.BooleanField(label=_("Holds legal authority for the client"), required=False)

    link_existing = forms.BooleanField(
        label=_("It is the same person: link their existing family account to this client"), required=False
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients.order_by("legal_last_name", "legal_first_name")
        self.clients = clients
        # A typed address may already be a family account: linking it to another child
        # is asked for, never done silently (one mistyped address would show a child's
        # week to another family). The box is shown only then.
        typed = (self.data.get(self.add_prefix("email")) or "").strip() if self.is_bound else ""
        self.existing = (
            User.objects.filter(email__iexact=typed, role=Role.FAMILY).first() if _is_an_address(typed) else None
        )
        if self.existing is None:
            del self.fields["link_existing"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and not existing.is_family:
            raise forms.ValidationError(_("This address belongs to a staff account; use the family member's own."))
        return email

    def clean(self):
        data = super().clean()
        email, client = data.get("email"), data.get("client")
        if email and client and FamilyLink.objects.filter(family_member__email__iexact=email, client=client).exists():
            raise forms.ValidationError(
                _("This family member is already linked to this client. Invite them again from their row.")
            )
        if self.existing is not None and email and not data.get("link_existing"):
            self.add_error("email", self._existing_account_message())
        if email and client and client.email and client.email.lower() == email:
            raise forms.ValidationError(_("This is the client's own address. A family member needs their own."))
        return data

    def _existing_account_message(self):
        children = [
            link.client.display_name
            for link in self.existing.family_links.filter(client__in=self.clients).select_related("client")
        ]
        values = {"name": self.existing.get_full_name() or self.existing.email, "children": ", ".join(children)}
        if children:
            message = _(
                "This address already has a family account: %(name)s, linked to %(children)s. Check the address; "
                "if it is the same person, tick the box below to link their account to this client too "
                "(their name stays as it is)."
            )
        else:
            message = _(
                "This address already has a family account: %(name)s. Check the address; if it is the same "
                "person, tick the box below to link their account to this client (their name stays as it is)."
            )
        return message % values


class ContactPreferencesForm(forms.ModelForm):
    CHANNELS = [("email", _("Email")), ("sms", _("Text message"))]

    channel = forms.ChoiceField(label=_("How should we reach you?"), choices=CHANNELS, widget=forms.RadioSelect)
    phone = PhoneNumberField(label=_("Mobile phone"), region="US", required=False)
    agrees_to_texts = forms.BooleanField(
        label=_("I agree to receive text messages from the clinic (reminders and schedule changes)."),
        required=False,
    )

    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.instance
        self.fields["language"].choices = settings.LANGUAGES
        self.initial.setdefault("channel", "sms" if person.sms_consent else "email")
        self.initial.setdefault("phone", person.phone)
        self.initial.setdefault("agrees_to_texts", person.sms_consent)

    def clean(self):
        data = super().clean()
        if data.get("channel") == "sms":
            if not data.get("phone") and "phone" not in self.errors:  # not on top of "not a valid number"
                self.add_error("phone", _("Enter a mobile number for text messages."))
            if not data.get("agrees_to_texts"):
                self.add_error("agrees_to_texts", _("Text messages need your agreement."))
        return data

    def save(self, commit=True):
        person = super().save(commit=False)
        phone = self.cleaned_data.get("phone")
        person.phone = phone.as_e164 if phone else ""
        if self.cleaned_data["channel"] == "sms":
            if not person.sms_consent:
                person.give_sms_consent()
        else:
            person.sms_consent, person.sms_consent_at = False, None
        if commit:
            person.save()
        return person


class DoNotContactForm(forms.Form):
    do_not_contact = forms.BooleanField(
        label=_("Do not contact this family member (nothing is sent; their family page is closed)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason (kept with the record, never shown to the family)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why."))
        return data


class SkillSummaryForm(forms.ModelForm):
    class Meta:
        model = SkillSummary
        fields = ["skill_title", "what_it_is_for", "practice_at_home", "how_to_help", "conversation_starters"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[1:]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields[1:]:
            self.fields[name].validators.append(MaxLengthValidator(SUMMARY_FIELD_MAX_CHARS))

    def clean(self):
        data = super().clean()
        names = cohort_client_names(self.instance.cohort_week.cohort)
        message = _("Every family of the cohort reads this summary, so it must not name a client (found: %(names)s).")
        refuse_names(self, self.Meta.fields, names, message)
        return data


class PersonalNoteForm(forms.ModelForm):
    class Meta:
        model = PersonalNote
        fields = ["text"]
        labels = {"text": _("Note for this family")}
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "maxlength": PERSONAL_NOTE_MAX_CHARS})}
        help_texts = {"text": _("A few sentences, in plain words. The family sees it only once you release it.")}

    def clean(self):
        data = super().clean()
        names = other_client_names(self.instance.client)
        message = _("This note goes to one family, so it must not name another client (found: %(names)s).")
        refuse_names(self, ["text"], names, message)
        return data


class FamilyGroupSheet(forms.Form):
    """One yes/no per family link of the clients expected that evening."""

    def __init__(self, *args, links, marks, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = list(links)
        for link in self.links:
            self.fields[f"link_{link.pk}"] = forms.BooleanField(
                label=f"{link.family_member.get_full_name()} "
                f"({link.get_relationship_display()}, {link.client.first_name})",
                required=False,
                initial=marks.get(link.pk, False),
            )

    def attended(self):
        return {link: self.cleaned_data[f"link_{link.pk}"] for link in self.links}


class InvitedField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.family_member.get_full_name() or obj.family_member.email} ({obj.get_relationship_display()})"
        if obj.portal_suspended or obj.family_member.do_not_contact:
            label += " - " + str(_("do not contact: nothing will be sent"))
        return label


class ClinicianField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class FamilyAppointmentForm(forms.ModelForm):
    """Book or change a family session: clinic-local date and time, how, with whom."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    clinician = ClinicianField(label=_("Clinician"), queryset=User.objects.none())
    invited = InvitedField(
        label=_("Family members invited"), queryset=FamilyLink.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = FamilyAppointment
        fields = ["kind", "day", "time", "duration_minutes", "mode", "clinician", "invited"]

    def __init__(self, *args, clinicians, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians
        self.fields["invited"].queryset = links
        self.fields["duration_minutes"].min_value = 5
        self.fields["duration_minutes"].max_value = 240
        self.fields["duration_minutes"].widget.attrs.update(min=5, max=240)
        if self.instance.pk:
            start = self.instance.local_start
            self.initial.update(day=start.date(), time=start.time(), invited=list(self.instance.invited.all()))

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 240:
            raise forms.ValidationError(_("Between 5 and 240 minutes."))
        return minutes

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            starts_at = datetime.datetime.combine(data["day"], data["time"], tzinfo=timezone.get_current_timezone())
            unchanged = self.instance.pk is not None and starts_at == self.instance.starts_at
            if starts_at <= timezone.now() and not unchanged:
                self.add_error("day", _("Choose a time in the future."))
            if data.get("duration_minutes"):
                try:
                    check_clinic_hours(starts_at, data["duration_minutes"])
                except ValidationError as error:
                    self.add_error("time", error)
                else:
                    ends_at = starts_at + datetime.timedelta(minutes=data["duration_minutes"])
                    for message in self._evenings_in_the_way(starts_at, ends_at, data.get("clinician")):
                        self.add_error("time", message)
                    invited = data.get("invited") or []
                    for message in self._appointments_in_the_way(starts_at, ends_at, data.get("clinician"), invited):
                        self.add_error("time", message)
            self.instance.starts_at = starts_at
        return data

    def _evenings_in_the_way(self, starts_at, ends_at, clinician):
        """Group evenings at that time which the client attends or the clinician runs:
        neither can be in two places (the family group, part of the evening, included)."""
        client = self.instance.client
        runs = Q(cohort__lead_clinician=clinician) | Q(facilitators=clinician) if clinician else Q(pk__in=[])
        evenings = (
            Session.objects.scheduled()
            .filter(Q(cohort_id=client.cohort_id) | runs, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .select_related("cohort")
            .distinct()
            .order_by("starts_at")
        )
        messages = []
        for evening in evenings:
            when = {"cohort": evening.cohort.name, "hours": evening.hours_label}
            if evening.cohort_id == client.cohort_id:
                message = _("%(name)s is in group then (%(cohort)s, %(hours)s).") % {"name": client.first_name, **when}
            else:
                message = _("%(clinician)s runs a group then (%(cohort)s, %(hours)s).") % {
                    "clinician": clinician.display_name,
                    **when,
                }
            messages.append(message)
        return messages

    def _appointments_in_the_way(self, starts_at, ends_at, clinician, invited):
        """Other family appointments at that time with the same clinician or one of
        the same family members (a parent of two clients, say). Named by time only:
        the other appointment may be another client's."""
        members = {link.family_member_id for link in invited}
        with_them = Q(clinician=clinician) if clinician else Q(pk__in=[])
        if members:
            with_them |= Q(invited__family_member__in=members)
        others = (
            FamilyAppointment.objects.filter(with_them)
            .exclude(pk=self.instance.pk)
            .prefetch_related("invited")
            .distinct()
            .during(starts_at, ends_at)
        )
        messages = []
        for other in others:
            hours = f"{other.local_start:%H:%M}-{other.local_end:%H:%M}"
            if clinician and other.clinician_id == clinician.pk:
                message = _("%(clinician)s has another family appointment then (%(hours)s).")
                messages.append(message % {"clinician": clinician.display_name, "hours": hours})
            for link in invited:
                if any(theirs.family_member_id == link.family_member_id for theirs in other.invited.all()):
                    message = _("%(name)s is invited to another family appointment then (%(hours)s).")
                    messages.append(message % {"name": link.family_member.get_full_name(), "hours": hours})
        return messages


class CancelAppointmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling (kept with the record; the family is told only that it is cancelled)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why."))
        return reason
