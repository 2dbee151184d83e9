"""Staff pages about family members: invitations (program admins), a client's
family and contact details, and "do not contact" (the client's clinicians);
the invitation's set-password page."""

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iop import audit
from iop.access import admin_required, clinician_required, staff_required
from iop.links import site_url
from iop.models import AuditEntry, Client, Role, User

from .. import contact, invitations
from ..forms import DoNotContactForm, InvitationForm
from ..models import FamilyAppointment, FamilyGroupAttendance, FamilyInvitation, FamilyLink


def _family_members():
    return User.objects.filter(role=Role.FAMILY)


@admin_required
def member_list(request):
    members = _family_members().prefetch_related(
        Prefetch("family_links", queryset=FamilyLink.objects.select_related("client__cohort")),
        Prefetch("invitations", queryset=FamilyInvitation.objects.order_by("-sent_at", "-pk")),
    )
    return render(request, "families/staff/member_list.html", {"members": members})


@admin_required
def invite(request):
    clients = Client.objects.visible_to(request.user).exclude(status=Client.Status.DISCHARGED)
    form = InvitationForm(request.POST or None, clients=clients, initial={"client": request.GET.get("client")})
    if form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "link_existing"}
        joined = form.existing is not None and invitations.has_joined(form.existing)
        member = invitations.invite(**data, by=request.user, base_url=site_url(request))
        if joined:
            message = _(
                "%(name)s already has an account and is now linked to %(client)s too; no invitation was needed."
            )
            messages.success(request, message % {"name": member.get_full_name(), "client": data["client"].display_name})
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": member.email})
        return redirect("families:member_list")
    return render(request, "families/staff/invite.html", {"form": form})


@admin_required
@require_POST
def reinvite(request, pk):
    member = get_object_or_404(_family_members(), pk=pk)
    invitations.send_invitation(member, by=request.user, base_url=site_url(request))
    messages.success(
        request,
        _("A new invitation was sent to %(email)s; the earlier link no longer works.") % {"email": member.email},
    )
    return redirect("families:member_list")


@admin_required
@require_POST
def unlink(request, pk):
    """The program office takes back a link made by mistake."""
    link = get_object_or_404(
        FamilyLink.objects.visible_to(request.user).select_related("family_member", "client"), pk=pk
    )
    names = {"name": link.family_member.get_full_name(), "client": link.client.display_name}
    try:
        invitations.unlink(link, by=request.user)
    except invitations.LinkInRecord:
        messages.error(
            request,
            _(
                "%(name)s is part of %(client)s's record (family group or an appointment), so the link stays. "
                "To close their family page, use do not contact."
            )
            % names,
        )
    else:
        messages.success(request, _("%(name)s is no longer linked to %(client)s and no longer sees them.") % names)
    return redirect("families:client_family", link.client_id)


@staff_required
def client_family(request, pk):
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    links = (
        FamilyLink.objects.filter(client=client)
        .select_related("family_member")
        .annotate(
            # Part of the record (family group attended, an appointment): not removable.
            in_record=Exists(FamilyGroupAttendance.objects.filter(link=OuterRef("pk"), attended=True))
            | Exists(FamilyAppointment.invited.through.objects.filter(familylink=OuterRef("pk")))
        )
    )
    upcoming = list(
        FamilyAppointment.objects.filter(client=client, starts_at__gte=timezone.now())
        .select_related("clinician")
        .prefetch_related("invited__family_member")
    )
    audit.record("view_family_contacts", client)
    audit.record("view_family_appointments", client, appointments=[a.pk for a in upcoming])
    context = {
        "client": client,
        "links": links,
        "appointments": upcoming,
        "can_stop_contact": Client.objects.clinical_for(request.user).filter(pk=client.pk).exists(),
        "can_invite": request.user.is_program_admin or request.user.is_superuser,
    }
    return render(request, "families/staff/client_family.html", context)


@clinician_required
def do_not_contact(request, pk):
    """Switch a family member of one's own client to "do not contact" (or back)."""
    member = get_object_or_404(
        _family_members().filter(family_links__client__in=Client.objects.clinical_for(request.user)).distinct(), pk=pk
    )
    # Only a clinician in the child's care decides this, not one who broke the glass to read.
    clients = list(Client.objects.writable_clinical_for(request.user).filter(family_links__family_member=member))
    if not clients:
        raise PermissionDenied(_("Emergency access is read-only: ask the client's team to record this."))
    form = DoNotContactForm(request.POST or None, initial={"do_not_contact": member.do_not_contact})
    if form.is_valid():
        if form.cleaned_data["do_not_contact"]:
            contact.stop_contact(member, reason=form.cleaned_data["reason"], by=request.user, client=clients[0])
            messages.success(request, _("Nothing will be sent to this person and their family page is closed."))
        elif contact.may_lift(member, clients):
            contact.resume_contact(member, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("Contact resumed; their family page is open again."))
        else:
            messages.error(
                request,
                _(
                    "Contact with this person was stopped from another child's care; that child's team lifts it. "
                    "The program office can tell you more."
                ),
            )
        return redirect("families:client_family", clients[0].pk)
    return render(request, "families/staff/do_not_contact.html", {"member": member, "form": form, "clients": clients})


class WelcomeView(PasswordResetConfirmView):
    """The invitation link: set a password, then straight into the portal."""

    token_generator = invitations.invitation_tokens
    template_name = "families/welcome.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("families:home")
    reset_url_token = "set-password"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_family or not user.family_links.exists():
            return None  # no longer linked to any child (linked by mistake, then removed)
        translation.activate(user.language)
        return user

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["validlink"]:
            if self.user is not None:
                audit.record("invitation_link_refused", self.user, outcome=AuditEntry.Outcome.REFUSED)
            else:
                audit.record_anonymous("invitation_link_refused", User, "(unknown)")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        invitations.accept(form.user)
        return response


welcome = WelcomeView.as_view()
