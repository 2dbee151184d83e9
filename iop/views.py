from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, emergency, staff
from .access import admin_required, is_lead_clinician_of, reviews_audit, staff_required
from .forms import ClientDetailsForm, ProgramForm
from .links import back_to_next, url_for_each
from .models import MESSAGE_KIND_LABELS, Client, Heartbeat, OutboxMessage, Program, kind_label
from .outbox import requeue_failed
from .paging import open_ended_page
from .prepared import Prepared


def home(request):
    """Send each person to the home page of their role."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if user.is_family:
        return redirect("families:home")
    if user.is_clinician:
        return redirect("clinician_home")
    if user.is_program_admin or user.is_superuser:
        return redirect("admin_home")
    return render(request, "iop/no_role.html", status=403)


#: The admitted clients the reader may see, with their cohorts: the staff home's list.
_ADMITTED = Prepared(
    lambda reader: Client.objects.visible_to(reader).filter(status=Client.Status.ADMITTED).select_related("cohort")
)


@staff_required
def clinician_home(request):
    clients = _ADMITTED.run(request.user)
    # A clinician opens the chart; other staff the profile. One reverse for every row.
    link = url_for_each("clinicians:chart" if request.user.is_clinician else "client_profile")
    for client in clients:
        client.link = link(client.pk)
    context = {
        "clients": clients,
        "emergency_accesses": emergency.shown(emergency.on_lead_clinicians_home(request.user)),
    }
    return render(request, "iop/clinician_home.html", context)


@admin_required
def admin_home(request):
    counts = Client.objects.visible_to(request.user).aggregate(
        referred=Count("pk", filter=Q(status=Client.Status.REFERRED)),
        admitted=Count("pk", filter=Q(status=Client.Status.ADMITTED)),
        discharged=Count("pk", filter=Q(status=Client.Status.DISCHARGED)),
    )
    context = {"counts": counts, "background": background_processes(), "left_behind": staff.left_behind()}
    return render(request, "iop/admin_home.html", context)


@admin_required
def program_settings(request):
    """Who is on call, how the clinic is reached, quiet hours and the cadences; each
    change is kept, with what it was, in the audit trail."""
    # A copy of the row, not the request's shared one: a refused change stays in the form.
    saved = Program.objects.select_related("on_call_clinician", "director").get(pk=Program.current().pk)
    form = ProgramForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if changes:
            with transaction.atomic():
                # Only what this form changed: another admin's change saved meanwhile stays.
                Program.objects.select_for_update().filter(pk=saved.pk).first()
                form.instance.save(update_fields=list(changes))
                audit.record("change_program", form.instance, action=audit.Action.UPDATE, changed=changes)
        messages.success(request, _("Program settings saved."))
        if form.instance.on_call_clinician_id is None:
            messages.warning(request, _("Nobody is on call: safety alerts reach each client's lead clinician only."))
        return redirect("admin_home")
    return render(request, "iop/program_settings.html", {"form": form}, status=400 if form.errors else 200)


#: The background processes, what each is called, and what waits while it is silent.
BACKGROUND_PROCESSES = (
    ("worker", _("Background worker"), _("reminders and safety alert messages wait until it is back")),
    ("reports", _("Report worker"), _("progress reports wait until it is back")),
    ("beat", _("Scheduler (beat)"), _("daily reminders, escalations and retries wait until it is back")),
)


def background_processes():
    """The workers and beat, and whether each has reported in recently (beat ticks every minute)."""
    seen = dict(Heartbeat.objects.values_list("name", "seen_at"))
    stale_before = timezone.now() - timezone.timedelta(minutes=5)
    return [
        {
            "label": label,
            "waits": waits,
            "seen_at": seen.get(name),
            "stale": bool(seen.get(name)) and seen[name] < stale_before,
        }
        for name, label, waits in BACKGROUND_PROCESSES
    ]


@staff_required
def client_list(request):
    chart = request.GET.get("chart", "").strip()
    if chart:
        return _find_by_chart_number(request, chart)
    status = request.GET.get("status", Client.Status.ADMITTED)
    clients = Client.objects.visible_to(request.user).select_related("cohort", "lead_clinician")
    if status in Client.Status.values:
        clients = clients.filter(status=status)
    return render(request, "iop/client_list.html", {"clients": clients, "status": status, "statuses": Client.Status})


def _find_by_chart_number(request, chart):
    """A clinician who needs a client outside their cohorts finds them by chart number
    and is offered emergency access; nothing else about the client is shown."""
    could_be = len(chart) <= Client._meta.get_field("chart_number").max_length and "\x00" not in chart
    found = Client.objects.filter(chart_number__iexact=chart).first() if could_be else None
    if found is None:
        messages.info(request, _("No client has that chart number."))
        return redirect("client_list")
    if Client.objects.visible_to(request.user).filter(pk=found.pk).exists():
        return redirect("client_profile", found.pk)
    if request.user.is_clinician:
        return redirect("emergency_access", found.pk)
    messages.info(request, _("No client has that chart number."))
    return redirect("client_list")


@staff_required
def client_profile(request, pk):
    """Demographics and care team: what admins and clinicians both may see."""
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("cohort", "lead_clinician"), pk=pk
    )
    audit.record("view_profile", client)
    history = reviews_audit(request.user) or is_lead_clinician_of(request.user, client)
    return render(request, "iop/client_profile.html", {"client": client, "may_see_access_history": history})


@admin_required
def client_new(request):
    """A referral: the client's details, before any cohort or clinician is involved."""
    form = ClientDetailsForm(request.POST or None)
    client = form.save_details() if request.method == "POST" and form.is_valid() else None
    if client is not None:
        messages.success(
            request,
            _("%(client)s is on the referral list. Admit them from Enrollment when a place is ready.")
            % {"client": client},
        )
        return redirect("client_profile", client.pk)
    context = {
        "form": form,
        "title": _("New referral"),
        "intro": _("The client's details as the referral gives them. A cohort is chosen at admission."),
        "submit": _("Add the referral"),
        "cancel": reverse("client_list") + "?status=referred",
    }
    return render(request, "iop/client_form.html", context)


@admin_required
def client_edit(request, pk):
    """Correct a client's details (a change is recorded with what it changed)."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    title = _("Details of %(client)s") % {"client": client}  # as saved, whatever the form holds
    form = ClientDetailsForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            return redirect("client_profile", client.pk)
        if form.save_details() is not None:
            messages.success(request, _("%(client)s's details are saved.") % {"client": client})
            return redirect("client_profile", client.pk)
    # The page shows the client's details as the profile does (a change is audited by its diff).
    audit.record("view_profile", client, page="details")
    context = {
        "form": form,
        "title": title,
        "submit": _("Save the details"),
        "cancel": reverse("client_profile", args=[client.pk]),
    }
    return render(request, "iop/client_form.html", context)


@login_required
def keepalive(request):
    """The idle warning's "stay signed in": any authenticated request slides the session."""
    return HttpResponse(status=204)


DELIVERIES_PER_PAGE = 50
# What a row of the delivery log shows: not the message's text (which may hold a
# one-time link) nor the recipient's other details.
DELIVERY_LOG_FIELDS = (
    "created_at",
    "kind",
    "urgent",
    "to_address",
    "channel",
    "status",
    "attempts",
    "sent_at",
    "due_at",
    "held_for_quiet_hours",
    "skipped_reason",
    "last_error",
    "recipient__first_name",
    "recipient__last_name",
    "recipient__email",
    "recipient__credential",
)


@admin_required
def delivery_log(request):
    """Every reminder and notice, newest first, with failures and their errors."""
    outbox = OutboxMessage.objects.select_related("recipient").only(*DELIVERY_LOG_FIELDS)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in OutboxMessage.Status.values:
        outbox = outbox.filter(status=status)
    # The kinds the program sends, not those found in years of messages (which
    # would read every row); a message of another kind is listed under any kind.
    if kind in MESSAGE_KIND_LABELS:
        outbox = outbox.filter(kind=kind)
    else:
        kind = ""  # not a kind the program sends: all of them, as the filter then shows
    page = open_ended_page(outbox, request.GET.get("page"), DELIVERIES_PER_PAGE)
    kinds = sorted(((code, kind_label(code)) for code in MESSAGE_KIND_LABELS), key=lambda pair: str(pair[1]))
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
    context = {"page": page, "status": status, "kind": kind, "kinds": kinds, "failed": failed}
    context["query"] = urlencode({"status": status, "kind": kind})  # kept by the pager's links
    return render(request, "iop/delivery_log.html", {**context, "statuses": OutboxMessage.Status})


@admin_required
@require_POST
def delivery_retry(request, pk):
    """Send a failed message again (its key still allows only one delivery)."""
    message = get_object_or_404(OutboxMessage, pk=pk)
    if requeue_failed(message):
        audit.record("retry_delivery", message)
        messages.success(request, _("The message is queued again."))
    else:
        messages.info(request, _("That message is no longer failed; nothing to retry."))
    return back_to_next(request, "delivery_log")
