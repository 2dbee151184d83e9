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

from .access import ADMIN_PAGES, CLINICIAN_PAGES, FAMILY_PAGES, STAFF_PAGES, has_role, reviews_audit


def _allowed(*roles):
    return lambda user: has_role(user, *roles)


def _clinician(user):
    # The clinician's own work pages; a superuser reaches them from the program pages.
    return user.is_clinician


#: (URL name, label, who sees it), in menu order.
LINKS = (
    ("families:home", _("Home"), _allowed(*FAMILY_PAGES)),
    ("clinician_home", _("My caseload"), _clinician),
    ("clinicians:tonight", _("Tonight"), _clinician),
    ("clinicians:caseload", _("Measures"), _clinician),
    ("admin_home", _("Program"), _allowed(*ADMIN_PAGES)),
    ("delivery_log", _("Deliveries"), _allowed(*ADMIN_PAGES)),
    ("groups:family_calendar", _("Calendar link"), _allowed(*FAMILY_PAGES)),
    ("groups:week", _("Schedule"), _allowed(*STAFF_PAGES)),
    ("groups:hours", _("Hours"), _allowed(*STAFF_PAGES)),
    ("groups:cohort_list", _("Cohorts"), _allowed(*STAFF_PAGES)),
    ("groups:closures", _("Closures"), _allowed(*ADMIN_PAGES)),
    ("groups:enrollment_list", _("Enrollment"), _allowed(*ADMIN_PAGES)),
    ("families:preferences", _("How we contact you"), _allowed(*FAMILY_PAGES)),
    ("families:summary_list", _("Skill summaries"), _allowed(*CLINICIAN_PAGES)),
    ("families:family_group_list", _("Family group"), _allowed(*CLINICIAN_PAGES)),
    ("families:member_list", _("Families"), _allowed(*ADMIN_PAGES)),
    ("client_list", _("Clients"), _allowed(*STAFF_PAGES)),
    ("audit_log", _("Audit"), reviews_audit),
    ("admin:index", _("Django admin"), _allowed("superuser")),
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
