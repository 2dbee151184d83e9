"""Staff pages to book, change and cancel a client's family sessions and family
check-ins: the client's clinicians and program admins (the appointment holds
when, how and with whom; what is said goes in the clinical note)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from iop.access import staff_required
from iop.models import Client

from .. import appointments
from ..forms import CancelAppointmentForm, FamilyAppointmentForm
from ..models import FamilyAppointment, FamilyLink


def _appointment(request, pk):
    found = get_object_or_404(FamilyAppointment.objects.visible_to(request.user).select_related("client"), pk=pk)
    if found.is_cancelled:
        messages.error(request, _("This appointment was cancelled; book a new one instead."))
    return found


def _form(request, client, instance):
    clinician = request.user if request.user.is_clinician else client.lead_clinician
    return FamilyAppointmentForm(
        request.POST or None,
        instance=instance,
        clinicians=appointments.clinicians_for(client),
        links=FamilyLink.objects.filter(client=client).select_related("family_member"),
        initial=None if instance.pk else {"clinician": clinician},
    )


def _save(request, client, form):
    appointment = appointments.book(form.save(commit=False), form.cleaned_data["invited"], by=request.user)
    messages.success(
        request,
        _("%(kind)s on %(day)s saved. Invited family members who may be contacted are told at once.")
        % {"kind": appointment.get_kind_display(), "day": appointment.local_start.strftime("%d %b %H:%M")},
    )
    return redirect("families:client_family", client.pk)


@staff_required
def appointment_new(request, pk):
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    form = _form(request, client, FamilyAppointment(client=client))
    if form.is_valid():
        return _save(request, client, form)
    return render(request, "families/staff/appointment_form.html", {"client": client, "form": form})


@staff_required
def appointment_edit(request, pk):
    appointment = _appointment(request, pk)
    if appointment.is_cancelled:
        return redirect("families:client_family", appointment.client_id)
    form = _form(request, appointment.client, appointment)
    if form.is_valid():
        return _save(request, appointment.client, form)
    context = {"client": appointment.client, "form": form, "appointment": appointment}
    return render(request, "families/staff/appointment_form.html", context)


@staff_required
def appointment_cancel(request, pk):
    appointment = _appointment(request, pk)
    if appointment.is_cancelled:
        return redirect("families:client_family", appointment.client_id)
    form = CancelAppointmentForm(request.POST or None)
    if form.is_valid():
        appointments.cancel(appointment, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Cancelled. Invited family members who may be contacted are told at once."))
        return redirect("families:client_family", appointment.client_id)
    context = {"client": appointment.client, "form": form, "appointment": appointment}
    return render(request, "families/staff/appointment_cancel.html", context)
