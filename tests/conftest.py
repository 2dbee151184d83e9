"""Shared fixtures: a small two-cohort clinic with one of every role, and the
browser set-up for Debian's Chromium."""

import datetime
from dataclasses import dataclass

import pytest
from auditlog.context import auditlog_value
from django.utils import translation

from iop.models import Client, User

from . import factories
from .worker import private_redis, redis_url, start_worker  # noqa: F401  (real Redis and worker)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _nothing_left_on_the_test_database(django_db_setup, django_db_blocker):
    """At the end of a run on PostgreSQL, sessions still connected to the test
    database (a process a test started, killed moments before) are named and
    closed, so dropping the database does not fail on them: the warning says
    which they were, where the bare "1 other session" said nothing."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, left(query, 200) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        left = cursor.fetchall()
        for row in left:
            cursor.execute("SELECT pg_terminate_backend(%s)", [row[0]])
    if left:
        import warnings

        warnings.warn(f"Sessions left on the test database, closed before dropping it: {left}", stacklevel=1)


@pytest.fixture(autouse=True)
def _fresh_program_settings():
    """Deliveries keep the program's settings for a few seconds; every test
    starts from its own database, so none inherits another's."""
    from iop.delivery import forget_program_settings

    forget_program_settings()


@pytest.fixture
def quiet_hours_off(db):
    """For tests of delivering, not of the hour: the suite runs at any time of day,
    and in the default quiet hours (21:00-08:00 clinic time) a reminder is held
    until morning. Tests of quiet hours set them with ``set_quiet_hours``."""
    factories.set_quiet_hours(datetime.time(8), datetime.time(8))


@dataclass
class Clinic:
    """Two cohorts, each with its lead clinician, one client and that client's parent."""

    clinician_1: User
    clinician_2: User
    admin: User
    superuser: User
    family_a: User
    family_b: User
    client_a: Client
    client_b: Client

    def role(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def clinic(db):
    cohort_1 = factories.CohortFactory(name="Teens", slug="teens")
    cohort_2 = factories.CohortFactory(name="Tweens", slug="tweens", age_min=11, age_max=13)
    client_a = factories.ClientFactory(cohort=cohort_1, legal_first_name="Avery", legal_last_name="Quill")
    client_b = factories.ClientFactory(cohort=cohort_2, legal_first_name="Blake", legal_last_name="Rowan")
    family_a = factories.FamilyLinkFactory(client=client_a).family_member
    family_b = factories.FamilyLinkFactory(client=client_b).family_member
    return Clinic(
        clinician_1=cohort_1.lead_clinician,
        clinician_2=cohort_2.lead_clinician,
        admin=factories.ProgramAdminFactory(),
        superuser=factories.SuperuserFactory(),
        family_a=family_a,
        family_b=family_b,
        client_a=client_a,
        client_b=client_b,
    )


@pytest.fixture
def login(client):
    """Log the Django test client in as a user (or stay anonymous with None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture(autouse=True)
def _default_language():
    """A family member's page leaves their language active in this thread (as a
    request does); the next test starts from the default language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_request_memo_left():
    """A request that ended in an exception inside the test client may leave its
    memo of facts (the program's settings, whether an alert is open) set in this
    thread; each test starts outside any request, reading afresh."""
    from iop import request_memo

    request_memo.end()
    yield
    request_memo.end()


@pytest.fixture(autouse=True)
def _no_audit_context_left():
    """auditlog keeps a request's actor and address in a context variable after its
    context manager ends; each test starts with none, so no entry it writes can
    borrow an earlier test's (since deleted) actor."""
    token = auditlog_value.set({})
    yield
    auditlog_value.reset(token)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is Django's default; tests only need it to be a hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests serve files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    # Reports written by a test stay in the test's own folder.
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
