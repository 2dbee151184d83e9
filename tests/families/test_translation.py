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
    return po_entries_of(PO.read_text())


def po_entries_of(text):
    for block in text.split("\n\n"):
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M))
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        yield refs, msgid, ["".join(re.findall(r'"(.*)"', s)) for s in msgstrs], "#, fuzzy" in block


def test_every_portal_string_has_a_spanish_translation():
    portal = [entry for entry in po_entries() if entry[1] and any(source in entry[0] for source in PORTAL_SOURCES)]
    missing = [msgid for _refs, msgid, msgstrs, fuzzy in portal if fuzzy or not all(msgstrs)]
    assert len(portal) > 60 and not missing, missing


# The keywords Django's makemessages gives xgettext.
XGETTEXT_KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (gettext) is not installed")
def test_every_portal_string_in_the_sources_is_in_the_catalogue_translated(tmp_path):
    """Read from the sources themselves, as makemessages would: a string added to a
    portal page is caught even before the catalogue is regenerated."""
    from django.utils.translation.template import templatize

    base = Path(settings.BASE_DIR)
    files = []
    for source in PORTAL_SOURCES:
        path = base / source
        files += sorted(path.rglob("*.html")) if path.is_dir() else [path]
    extracted = []
    for number, path in enumerate(files):
        text = path.read_text()
        if path.suffix == ".html":
            text = templatize(text, origin=str(path))
        copy = tmp_path / f"{number}.py"
        copy.write_text(text)
        extracted.append(str(copy))
    pot = tmp_path / "portal.pot"
    keywords = [f"--keyword={keyword}" for keyword in XGETTEXT_KEYWORDS]
    command = ["xgettext", "-L", "Python", "--from-code=UTF-8", "--no-location", *keywords, "-o", str(pot)]
    subprocess.run([*command, *extracted], check=True, capture_output=True)
    translated = {msgid for _refs, msgid, msgstrs, fuzzy in po_entries() if not fuzzy and all(msgstrs)}
    wanted = {msgid for _refs, msgid, _msgstrs, _fuzzy in po_entries_of(pot.read_text()) if msgid}
    assert len(wanted) > 60 and not sorted(wanted - translated), sorted(wanted - translated)


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


def test_after_signing_out_the_sign_in_page_keeps_the_familys_language(family_week, login):
    family_week.family_a.language = "es"
    family_week.family_a.save()
    browser = login(family_week.family_a)
    browser.get(reverse("families:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    browser.post(reverse("account_logout"))
    page = browser.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page


def test_the_language_address_opened_directly_leads_to_the_preferences(family_week, login):
    response = login(family_week.family_a).get(reverse("families:set_language"))
    assert response.status_code == 302 and response.url == reverse("families:preferences")


def test_a_mistyped_phone_gets_one_message(family_week, login):
    data = {"channel": "sms", "phone": "12", "agrees_to_texts": "on", "language": "en"}
    response = login(family_week.family_a).post(reverse("families:preferences"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["phone"]
    assert len(errors) == 1 and "mobile number for text messages" not in errors[0]
