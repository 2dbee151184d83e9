"""Writing, signing and correcting notes; the medication list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iop import audit
from iop.access import clinician_required
from iop.links import ALREADY_SAVED, draft_saved, recent_twin

from .access import prescriber_required, writable_client
from .chart import section_url
from .chart_forms import AddendumForm, MedicationForm, NoteForm, StopMedicationForm
from .models import Medication, Note


def _note_for(user, pk):
    return get_object_or_404(Note.objects.visible_to(user).select_related("client", "author", "signed_by"), pk=pk)


@clinician_required
def note_new(request, pk, kind):
    client = writable_client(request.user, pk)
    if kind not in Note.Kind.values:
        raise Http404
    if kind == Note.Kind.MEDICATION and not request.user.is_prescriber:
        raise PermissionDenied
    form = NoteForm(
        request.POST or None,
        kind=kind,
        instance=Note(client=client, author=request.user),
        signing="sign" in request.POST,
    )
    if form.is_valid():
        same = {name: form.cleaned_data.get(name) for name in ("occurred_at", "content")}
        twin = recent_twin(Note.objects.filter(client=client, kind=kind), "author", request.user, **same)
        if twin is not None:
            messages.info(request, ALREADY_SAVED)
            return redirect("clinicians:note", twin.pk)
        note = form.save()
        audit.record("write_note", note, client=client, action=audit.Action.CREATE)
        if "sign" in request.POST:
            return _sign(request, note)
        messages.success(request, _("Draft saved. Sign it when it is complete."))
        return draft_saved(request, "clinicians:note", note.pk, resume="clinicians:note_edit")
    return render(request, "clinicians/note_form.html", {"form": form, "client": client, "kind": Note.Kind(kind)})


@clinician_required
def note_detail(request, pk):
    return _show_note(request, _note_for(request.user, pk), AddendumForm())


def _show_note(request, note, addendum_form, status=200):
    """The note, its addenda and the addendum form; every showing is audited."""
    audit.record("view_note", note)
    context = {"note": note, "client": note.client, "addenda": note.addenda.select_related("author")}
    return render(request, "clinicians/note_detail.html", {**context, "form": addendum_form}, status=status)


@clinician_required
def note_edit(request, pk):
    note = _note_for(request.user, pk)
    if note.is_signed:
        messages.error(request, _("This note is signed and locked. Add an addendum to correct it."))
        return redirect("clinicians:note", note.pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "GET":
        audit.record("view_note", note)  # the draft's text, as the note's page shows it
    if request.method == "GET" and request.GET.get("to_sign"):
        # Back from "Sign note" for want of a part: the draft as saved, checked as for signing.
        saved = NoteForm(kind=note.kind, instance=note)
        data = {name: saved[name].value() for name in saved.fields}
        form = NoteForm(data, kind=note.kind, instance=note, signing=True)
        form.is_valid()
    else:
        form = NoteForm(request.POST or None, kind=note.kind, instance=note, signing="sign" in request.POST)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record("edit_note", note, action=audit.Action.UPDATE)
        if "sign" in request.POST:
            return _sign(request, note)
        messages.success(request, _("Draft saved."))
        return draft_saved(request, "clinicians:note", note.pk, resume="clinicians:note_edit")
    return render(
        request,
        "clinicians/note_form.html",
        {"form": form, "client": note.client, "kind": Note.Kind(note.kind), "note": note},
    )


@clinician_required
@require_POST
def note_sign(request, pk):
    note = _note_for(request.user, pk)
    if note.is_signed:
        messages.info(request, _("This note was already signed."))
        return redirect("clinicians:note", note.pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    missing = note.missing_before_signing()
    if missing:
        messages.error(
            request, _("Add the %(missing)s before signing.") % {"missing": ", ".join(str(m) for m in missing)}
        )
        # The draft opens with what it needs marked beside its fields (and the focus there).
        return redirect(f"{reverse('clinicians:note_edit', args=[note.pk])}?to_sign=1")
    return _sign(request, note)


def _sign(request, note):
    note.sign(request.user)
    audit.record("sign_note", note, action=audit.Action.UPDATE)
    messages.success(request, _("Signed. The note is now locked; corrections are made as addenda."))
    return redirect("clinicians:note", note.pk)


@clinician_required
def note_addendum(request, pk):
    note = _note_for(request.user, pk)
    if request.method != "POST":
        # The address a refused addendum was shown at, opened again (Back, a reload).
        return redirect("clinicians:note", note.pk)
    if note.author_id != request.user.pk or not note.is_signed:
        raise PermissionDenied
    form = AddendumForm(request.POST)
    if form.is_valid():
        addendum = note.add_addendum(request.user, form.cleaned_data["text"])
        audit.record("addendum", addendum, client=note.client, action=audit.Action.CREATE, note=note.pk)
        messages.success(request, _("Addendum added."))
        return redirect("clinicians:note", note.pk)
    return _show_note(request, note, form, status=400)


@prescriber_required
def medication_new(request, pk):
    client = writable_client(request.user, pk)
    form = MedicationForm(
        request.POST or None,
        instance=Medication(client=client, recorded_by=request.user),
        initial={"prescriber": request.user},
    )
    if form.is_valid():
        medication = form.save()
        audit.record("add_medication", medication, client=client, action=audit.Action.CREATE)
        messages.success(request, _("Medication added."))
        return redirect(section_url(client.pk, "medications"))
    return render(request, "clinicians/medication_form.html", {"form": form, "client": client})


@prescriber_required
def medication_stop(request, pk):
    medication = get_object_or_404(Medication.objects.visible_to(request.user).select_related("client"), pk=pk)
    if medication.stopped_on:
        messages.info(request, _("This medication is already recorded as stopped."))
        return redirect(section_url(medication.client_id, "medications"))
    form = StopMedicationForm(request.POST or None, instance=medication)
    if form.is_valid():
        form.save()
        audit.record("stop_medication", medication, action=audit.Action.UPDATE)
        messages.success(request, _("Medication stopped."))
        return redirect(section_url(medication.client_id, "medications"))
    return render(
        request,
        "clinicians/medication_form.html",
        {"form": form, "client": medication.client, "medication": medication},
        status=400 if request.method == "POST" else 200,
    )
