"""The main menu: which links each kind of user sees, in order.

The links of a kind of user (role, superuser, privacy officer) are worked out once
per process and language, addresses included: every staff and family page shows
the menu, and reversing a score of URL names on each of them costs more than the
rest of the layout. Only "which link is this page" is left to each request."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _family(user):
    return user.is_family


def _clinician(user):
    return user.is_clinician


def _admin(user):
    return user.is_program_admin or user.is_superuser


def _scheduler(user):
    return user.is_clinician or user.is_program_admin or user.is_superuser


def _family_work(user):
    return user.is_clinician or user.is_superuser


def _staff(user):
    return not user.is_family


def _auditor(user):
    return user.is_program_admin or user.is_superuser or (user.is_privacy_officer and user.is_clinician)


def _superuser(user):
    return user.is_superuser


#: (URL name, label, who sees it), in menu order.
LINKS = (
    ("families:home", _("Home"), _family),
    ("clinician_home", _("My caseload"), _clinician),
    ("clinicians:tonight", _("Tonight"), _clinician),
    ("clinicians:caseload", _("Measures"), _clinician),
    ("admin_home", _("Program"), _admin),
    ("delivery_log", _("Deliveries"), _admin),
    ("groups:family_calendar", _("Calendar link"), _family),
    ("groups:week", _("Schedule"), _scheduler),
    ("groups:hours", _("Hours"), _scheduler),
    ("groups:cohort_list", _("Cohorts"), _scheduler),
    ("groups:closures", _("Closures"), _admin),
    ("groups:enrollment_list", _("Enrollment"), _admin),
    ("families:preferences", _("How we contact you"), _family),
    ("families:summary_list", _("Skill summaries"), _family_work),
    ("families:family_group_list", _("Family group"), _family_work),
    ("families:member_list", _("Families"), _admin),
    ("client_list", _("Clients"), _staff),
    ("audit_log", _("Audit"), _auditor),
    ("admin:index", _("Django admin"), _superuser),
)


@dataclass(frozen=True)
class MenuLink:
    url: str
    label: str
    current: bool = False


#: {(kind of user, language, script prefix, URL conf): ((url, label), ...)}
_menus = {}


def _kind(user):
    return (user.role, user.is_superuser, user.is_privacy_officer)


def menu(user, path):
    """``user``'s menu links, the one whose address is ``path`` marked current."""
    key = (_kind(user), get_language(), get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))
    links = _menus.get(key)
    if links is None:
        links = _menus[key] = tuple((reverse(name), str(label)) for name, label, shown in LINKS if shown(user))
    return [MenuLink(url, label, url == path) for url, label in links]
