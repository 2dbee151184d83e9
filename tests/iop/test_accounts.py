"""Login with email, logout, password reset by mail, lockout after repeated failures."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from iop.models import AuditEntry
from tests.factories import PASSWORD, ClinicianFactory

pytestmark = pytest.mark.django_db


def post_login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_with_email_and_password_lands_on_home(client):
    user = ClinicianFactory(email="j.reyes@example.test")
    response = post_login(client, "j.reyes@example.test", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("clinician_home")
    assert AuditEntry.objects.filter(event="login", actor=user).count() == 1


def test_wrong_password_rerenders_form_with_message_and_keeps_email(client):
    ClinicianFactory(email="j.reyes@example.test")
    response = post_login(client, "j.reyes@example.test", "not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "is-invalid" in page or "alert" in page
    assert 'value="j.reyes@example.test"' in page
    assert AuditEntry.objects.filter(event="login_failed", outcome="refused").count() == 1


def test_fifth_failure_locks_the_account_at_that_address_even_with_right_password(client):
    ClinicianFactory(email="j.reyes@example.test")
    for _ in range(5):
        post_login(client, "j.reyes@example.test", "wrong-password")
    response = post_login(client, "j.reyes@example.test", PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert AuditEntry.objects.filter(event="lockout").exists()


def test_lockout_of_one_account_does_not_lock_a_colleague_on_the_same_clinic_address(client):
    ClinicianFactory(email="one@example.test")
    ClinicianFactory(email="two@example.test")
    for _ in range(5):
        post_login(client, "one@example.test", "wrong-password")
    assert post_login(client, "two@example.test", PASSWORD).status_code == 302


def test_logout_is_a_post_and_is_audited(client):
    user = ClinicianFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("clinician_home")).status_code == 302
    assert AuditEntry.objects.filter(event="logout", actor=user).count() == 1


def test_password_reset_mails_a_link_that_sets_a_new_password_once(client):
    ClinicianFactory(email="j.reyes@example.test")
    client.post(reverse("account_reset_password"), {"email": "j.reyes@example.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # allauth moves the key into the session, then shows the form
    new_password = "a-brand-new-passphrase-42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert post_login(client, "j.reyes@example.test", new_password).status_code == 302
    client.post(reverse("account_logout"))
    assert "this link no longer works" in client.get(link, follow=True).content.decode().lower()


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) in (0, 1)  # allauth may send an "unknown account" notice, never a link
    assert all("/reset/key/" not in m.body for m in mail.outbox)


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code in (200, 302)
    assert "closed" in response.content.decode().lower() or response.status_code == 302


def test_the_sign_in_page_offers_one_forgotten_password_link(client):
    page = client.get(reverse("account_login")).content.decode()
    assert page.count(reverse("account_reset_password")) == 1


def test_a_password_reset_sends_nothing_to_someone_marked_do_not_contact(client, clinic):
    from families import contact

    contact.stop_contact(clinic.family_a, reason="Custody order: no contact with this parent.", by=clinic.clinician_1)
    response = client.post(reverse("account_reset_password"), {"email": clinic.family_a.email})
    assert response.status_code == 302  # answered as for any address
    assert mail.outbox == []
    # Someone else's reset is unchanged.
    client.post(reverse("account_reset_password"), {"email": clinic.family_b.email})
    assert [m.to for m in mail.outbox] == [[clinic.family_b.email]]


def test_the_lockout_counts_the_address_the_proxy_saw_not_the_proxys(client, settings):
    """Behind the production proxy every request comes from its address: a lockout
    keyed on it would let anyone lock a colleague out from anywhere."""
    settings.TRUSTED_PROXY_COUNT = 1
    ClinicianFactory(email="j.reyes@example.test")

    def sign_in_via_proxy(forwarded_for, password=PASSWORD):
        form = {"login": "j.reyes@example.test", "password": password}
        return client.post(reverse("account_login"), form, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    for _ in range(5):
        sign_in_via_proxy("203.0.113.66", "wrong-password")
    assert sign_in_via_proxy("198.51.100.7").status_code == 302  # the colleague, elsewhere
    client.post(reverse("account_logout"))
    for _ in range(5):
        sign_in_via_proxy("203.0.113.66", "wrong-password")
    assert sign_in_via_proxy("203.0.113.66").status_code == 429
    # A client-written address to the left of the proxy's changes nothing.
    assert sign_in_via_proxy("198.51.100.9, 203.0.113.66").status_code == 429


def test_the_django_admin_signs_in_through_the_apps_own_sign_in_page(client, clinic):
    """Its own form would take the password alone, past two-factor."""
    response = client.post(
        "/django-admin/login/", {"username": clinic.superuser.email, "password": PASSWORD, "next": "/django-admin/"}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert client.get(reverse("client_list")).status_code == 302  # not signed in
    assert client.get("/django-admin/login/").url.startswith(reverse("account_login"))


def test_a_forwarded_value_that_is_not_an_address_falls_back_to_the_peer(rf, settings):
    from iop.middleware import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")) == "203.0.113.66"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2001:db8::1")) == "2001:db8::1"
    for garbage in ("unknown", "<script>", "203.0.113.66:4431"):
        assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=garbage)) == "10.0.0.1"
