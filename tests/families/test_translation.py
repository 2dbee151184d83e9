"""Spanish: a family member with Spanish as their language sees the portal in
Spanish whatever their browser says; the switch saves the preference; every
string of the portal and of family messages has a Spanish translation."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Where the portal's and family messages' strings come from.
PORTAL_SOURCES = (
    "templates/families/portal/",
    "templates/families/includes/",
    "templates/families/welcome.html",
    "templates/groups/family_calendar.html",
    "families/views/portal.py",
    "families/summaries.py",
    "families/appointments.py",
    "families/reminders.py",
    "families/invitations.py",
    "groups/notices.py",
    "templates/base.html",
    # The family progress report PDF.
    "templates/clinicians/reports/base.html",
    "templates/clinicians/reports/family.html",
    "templates/clinicians/reports/attendance.html",
    "templates/clinicians/reports/skills.html",
)


def test_spanish_preference_sees_the_portal_in_spanish(family_week, login):
    family_week.family_a.language = "es"
    family_week.family_a.save()
    browser = login(family_week.family_a)

    page = browser.get(reverse("families:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="es">' in page
    assert "La habilidad de esta semana" in page and "Tardes de grupo" in page
    assert "This week's skill" not in page


def test_language_switch_saves_the_preference(family_week, login):
    browser = login(family_week.family_a)
    response = browser.post(
        reverse("families:set_language"),
        {"language": "es", "next": reverse("families:archive", args=[family_week.client_a.pk])},
    )
    assert response.status_code == 302 and response.url == reverse("families:archive", args=[family_week.client_a.pk])
    family_week.family_a.refresh_from_db()
    assert family_week.family_a.language == "es"
    assert "Habilidades de semanas anteriores" in browser.get(response.url).content.decode()


def test_language_switch_ignores_unknown_languages_and_outside_redirects(family_week, login):
    response = login(family_week.family_a).post(
        reverse("families:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.url == reverse("families:home")
    family_week.family_a.refresh_from_db()
    assert family_week.family_a.language == "en"


def po_entries():
    for block in PO.read_text().split("\n\n"):
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M))
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        yield refs, msgid, ["".join(re.findall(r'"(.*)"', s)) for s in msgstrs], "#, fuzzy" in block


def test_every_portal_string_has_a_spanish_translation():
    portal = [entry for entry in po_entries() if entry[1] and any(source in entry[0] for source in PORTAL_SOURCES)]
    missing = [msgid for _refs, msgid, msgstrs, fuzzy in portal if fuzzy or not all(msgstrs)]
    assert len(portal) > 60 and not missing, missing


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
def test_compiled_catalog_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True, capture_output=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run msgfmt on locale/es/LC_MESSAGES/django.po"


def test_portal_dates_read_naturally_in_each_language():
    day = datetime.date(2026, 12, 3)
    shown = Template('{{ d|date:_("l j F") }} · {{ d|date:_("D j M") }} · {{ d|date:_("j F Y") }}')
    with translation.override("es"):
        assert shown.render(Context({"d": day})) == "jueves 3 de diciembre · jue 3 dic · 3 de diciembre de 2026"
    with translation.override("en"):
        assert shown.render(Context({"d": day})) == "Thursday 3 December · Thu 3 Dec · 3 December 2026"
