"""Staff accounts as the program office keeps them: a new colleague is invited to
choose a password (the sign-in page's own set-password link), roles change, and
someone who leaves is deactivated at once. Superusers are kept in the Django admin."""

import time

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from . import audit
from .models import OutboxMessage, Program, Role, User
from .outbox import queue_message

STAFF_ROLES = (Role.CLINICIAN, Role.PROGRAM_ADMIN)
INVITATION_KIND = "staff_invitation"


def accounts():
    """The staff accounts the program office manages."""
    return User.objects.filter(role__in=STAFF_ROLES, is_superuser=False)


def has_joined(person):
    return person.has_usable_password()


def joined_clinicians():
    """Active clinicians who have set their password (``has_joined``, as a query): those
    who can act on a safety alert sent to them."""
    return accounts().filter(role=Role.CLINICIAN, is_active=True).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)


def link_days():
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def set_password_url(person, base_url):
    """A link to choose a password; it stops working once used, or after ``link_days``."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(person), "key": default_token_generator.make_token(person)},
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def invite(person, *, by, base_url):
    """Queue the invitation email (each press of the button is a new message). Any
    earlier invitation link stops working: the link is tied to the password, which
    is renewed (still unusable) here."""
    person.set_unusable_password()
    person.save(update_fields=["password"])
    clinic = Program.current().clinic_name
    subject = _("Your staff account at %(clinic)s") % {"clinic": clinic}
    body = _(
        "%(by)s has opened a staff account for you at %(clinic)s. Choose your password here (the link works "
        "once, for %(days)s days): %(link)s. You sign in with this email address."
    ) % {
        "by": by.get_full_name() or by.email,
        "clinic": clinic,
        "days": link_days(),
        "link": set_password_url(person, base_url),
    }
    message = queue_message(
        key=f"{INVITATION_KIND}:{person.pk}:{time.time_ns()}",
        kind=INVITATION_KIND,
        recipient=person,
        subject=subject,
        body=body,
        channel=OutboxMessage.Channel.EMAIL,
        urgent=True,  # the office is waiting for it: not held for quiet hours
    )
    audit.record("invite_staff", person, actor=by, message=message.pk)
    return message


def active_admins_other_than(person):
    """Program admins other than ``person`` who can sign in now (active, and joined)."""
    admins = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True, is_superuser=False).exclude(pk=person.pk)
    return [admin for admin in admins if has_joined(admin)]


def forget_addresses(person):
    """After a change of address: the old one may no longer reset the password or
    sign in (the sign-in keeps its own table of addresses)."""
    EmailAddress.objects.filter(user=person).delete()


def responsibilities(person):
    """What still depends on ``person`` being an active clinician: the clients and
    cohorts they lead, and being on call or the director (safety alerts go to them)."""
    from groups.models import Cohort

    from .models import Client

    found = []
    clients = Client.objects.filter(lead_clinician=person, status=Client.Status.ADMITTED).count()
    if clients:
        found.append(_("lead clinician of %(n)s admitted clients") % {"n": clients})
    cohorts = list(Cohort.objects.filter(lead_clinician=person).values_list("name", flat=True))
    if cohorts:
        found.append(_("lead of %(cohorts)s") % {"cohorts": ", ".join(cohorts)})
    helps = list(Cohort.objects.filter(co_facilitators=person).values_list("name", flat=True))
    if helps:
        found.append(_("a co-facilitator of %(cohorts)s") % {"cohorts": ", ".join(helps)})
    program = Program.current()
    if program.on_call_clinician_id == person.pk:
        found.append(_("the on-call clinician (change it in the program settings)"))
    if program.director_id == person.pk:
        found.append(_("the program director (change it in the program settings)"))
    return found


def left_behind():
    """People who still lead admitted clients or a cohort though they can no longer
    (deactivated, or no longer a clinician), for the admin home: each with
    ``clients_led`` and ``cohorts_led`` (names). Two queries, one when nobody is."""
    from django.db.models import Count, Q

    from groups.models import Cohort

    from .models import Client

    people = list(
        User.objects.exclude(is_active=True, role=Role.CLINICIAN)
        .annotate(
            clients_led=Count("lead_clients", filter=Q(lead_clients__status=Client.Status.ADMITTED), distinct=True),
            cohort_count=Count("led_cohorts", distinct=True),
        )
        .filter(Q(clients_led__gt=0) | Q(cohort_count__gt=0))
        .order_by("last_name", "first_name")
    )
    if people:
        names = {}
        for lead, name in Cohort.objects.filter(lead_clinician__in=people).values_list("lead_clinician", "name"):
            names.setdefault(lead, []).append(name)
        for person in people:
            person.cohorts_led = sorted(names.get(person.pk, []))
    return people
