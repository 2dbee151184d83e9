"""The program office's staff accounts: the list, a new colleague, changes."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import Cohort

from . import audit, staff
from .access import admin_required
from .forms import StaffForm
from .links import site_url


@admin_required
def staff_list(request):
    led = Prefetch("led_cohorts", queryset=Cohort.objects.only("name", "lead_clinician_id"))
    people = list(staff.accounts().prefetch_related(led).order_by("-is_active", "last_name", "first_name"))
    for person in people:
        person.joined = staff.has_joined(person)
    return render(request, "iop/staff_list.html", {"people": people})


@admin_required
def staff_new(request):
    form = StaffForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.set_unusable_password()
        person.save()
        staff.invite(person, by=request.user, base_url=site_url(request))
        messages.success(
            request,
            _("%(person)s's account is open; an email asks them to choose a password.") % {"person": person},
        )
        return redirect("staff_list")
    context = {
        "form": form,
        "title": _("New staff member"),
        "intro": _("They get an email with a link to choose their password, and sign in with their work address."),
        "submit": _("Open the account and send the invitation"),
        "cancel": reverse("staff_list"),
    }
    return render(request, "iop/form.html", context)


@admin_required
def staff_edit(request, pk):
    person = get_object_or_404(staff.accounts(), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "invite":
        if staff.has_joined(person) or not person.is_active:
            messages.info(
                request, _("%(person)s has already joined or is deactivated: nothing was sent.") % {"person": person}
            )
        else:
            staff.invite(person, by=request.user, base_url=site_url(request))
            messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": person.email})
        return redirect("staff_edit", person.pk)
    # What the page says of the person is what is saved (a refused change is only in the form).
    shown = {"name": str(person), "active": person.is_active, "joined": staff.has_joined(person)}
    form = StaffForm(request.POST if action == "save" else None, instance=person, editor=request.user)
    if action == "save" and form.is_valid():
        if form.has_changed():
            _save(request, form)
        person.refresh_from_db()
        if not (person.is_active and person.is_clinician):
            for duty in staff.responsibilities(person):
                messages.warning(
                    request,
                    _("%(person)s is still %(duty)s: hand this to an active clinician.")
                    % {"person": person, "duty": duty},
                )
        return redirect("staff_list")
    context = {
        "form": form,
        "person": person,
        "shown": shown,
        "joined": shown["joined"],
        "title": _("Staff account: %(person)s") % {"person": shown["name"]},
        "submit": _("Save"),
        "action": "save",
        "cancel": reverse("staff_list"),
    }
    return render(request, "iop/staff_form.html", context)


@transaction.atomic
def _save(request, form):
    """Save what the form changed and nothing else (a password chosen meanwhile stays).
    A corrected address retires the old one and its links, and is invited afresh."""
    person = form.save(commit=False)
    person.save(update_fields=[name for name in form.changed_data if name in form.Meta.fields])
    if "email" in form.changed_data:
        staff.forget_addresses(person)
        if person.is_active and not staff.has_joined(person):
            staff.invite(person, by=request.user, base_url=site_url(request))
            messages.info(request, _("The invitation was sent again, to %(email)s.") % {"email": person.email})
    if "is_active" in form.changed_data and not person.is_active and not staff.has_joined(person):
        # A deactivated invitee's link stops working (it is tied to the password).
        person.set_unusable_password()
        person.save(update_fields=["password"])
    if {"is_active", "role"} & set(form.changed_data) and not (person.is_active and person.is_clinician):
        _hand_over_alerts(request, person)
    messages.success(request, _("%(person)s's account is saved.") % {"person": person})


def _hand_over_alerts(request, person):
    """Open safety alerts of someone who left (or is no longer a clinician) go to
    whoever would own them now, at once: waiting for the escalation would cost the
    minutes the alert is for."""
    from clinicians.models import SafetyAlert

    for alert in SafetyAlert.objects.hand_over_from(person):
        audit.record("hand_over_alert", alert, client=alert.client, action=audit.Action.UPDATE, previous=person.pk)
        messages.warning(
            request,
            _("An open safety alert of %(person)s now belongs to %(owner)s, who has been sent it.")
            % {"person": person, "owner": alert.owner},
        )
