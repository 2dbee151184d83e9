"""Who sees which clients, cohorts and evenings: each way in for a clinician
(leading the cohort, co-facilitating it, leading the client, an access grant
in force, facilitating one evening), each row once, and nothing else."""

import datetime

import pytest
from django.utils import timezone

from groups.models import Cohort, Session
from iop.models import Client, ClientAccessGrant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    lead = factories.ClinicianFactory()
    co = factories.ClinicianFactory()
    own = factories.CohortFactory(lead_clinician=lead)
    own.co_facilitators.add(co, factories.ClinicianFactory())  # two co-facilitators: no duplicate rows
    other = factories.CohortFactory()
    return {
        "lead": lead,
        "co": co,
        "own": own,
        "other": other,
        "own_clients": [factories.ClientFactory(cohort=own) for _ in range(2)],
        "other_client": factories.ClientFactory(cohort=other),
        "own_evening": factories.SessionFactory(cohort=own),
        "other_evening": factories.SessionFactory(cohort=other),
    }


def ids(queryset):
    rows = list(queryset.values_list("pk", flat=True))
    assert len(rows) == len(set(rows)), "a row appears twice"
    return set(rows)


def test_cohort_lead_and_co_facilitator_see_the_cohort_and_its_clients_and_evenings(world):
    for clinician in (world["lead"], world["co"]):
        assert ids(Cohort.objects.visible_to(clinician)) == {world["own"].pk}
        assert ids(Client.objects.visible_to(clinician)) == {c.pk for c in world["own_clients"]}
        assert ids(Client.objects.clinical_for(clinician)) == {c.pk for c in world["own_clients"]}
        assert ids(Session.objects.visible_to(clinician)) == {world["own_evening"].pk}


def test_leading_a_client_outside_ones_cohorts(world):
    outsider = factories.ClinicianFactory()
    world["other_client"].lead_clinician = outsider
    world["other_client"].save()
    assert ids(Client.objects.visible_to(outsider)) == {world["other_client"].pk}
    assert ids(Cohort.objects.visible_to(outsider)) == set()


def test_facilitating_one_evening_shows_that_evening_only(world):
    cover = factories.ClinicianFactory()
    world["other_evening"].facilitators.add(cover)
    factories.SessionFactory(cohort=world["other"], day=timezone.localdate() + datetime.timedelta(days=1))
    assert ids(Session.objects.visible_to(cover)) == {world["other_evening"].pk}
    assert ids(Client.objects.visible_to(cover)) == set()


def test_an_access_grant_counts_only_while_in_force(world):
    grantee = factories.ClinicianFactory()
    client = world["other_client"]
    now = timezone.now()
    grant = ClientAccessGrant.objects.create(
        client=client,
        grantee=grantee,
        granted_by=factories.ProgramAdminFactory(),
        kind=ClientAccessGrant.Kind.GRANTED,
        reason="Covering while the lead is away",
        starts_at=now - datetime.timedelta(hours=1),
        expires_at=now + datetime.timedelta(hours=1),
    )
    assert ids(Client.objects.clinical_for(grantee)) == {client.pk}
    ClientAccessGrant.objects.filter(pk=grant.pk).update(expires_at=now - datetime.timedelta(minutes=1))
    assert ids(Client.objects.clinical_for(grantee)) == set()
    ClientAccessGrant.objects.filter(pk=grant.pk).update(
        starts_at=now + datetime.timedelta(hours=1), expires_at=now + datetime.timedelta(hours=2)
    )
    assert ids(Client.objects.clinical_for(grantee)) == set()


def test_inactive_clinician_sees_nothing(world):
    world["lead"].is_active = False
    world["lead"].save()
    assert ids(Client.objects.visible_to(world["lead"])) == set()
    assert ids(Session.objects.visible_to(world["lead"])) == set()
    assert ids(Cohort.objects.visible_to(world["lead"])) == set()


def test_a_family_member_sees_their_linked_children_unless_suspended(world):
    first, second = world["own_clients"]
    parent = factories.FamilyLinkFactory(client=first).family_member
    factories.FamilyLinkFactory(client=second, family_member=parent)
    factories.FamilyLinkFactory(client=first)  # the other parent: changes nothing for this one
    assert ids(Client.objects.visible_to(parent)) == {first.pk, second.pk}
    parent.family_links.filter(client=second).update(portal_suspended=True, suspended_reason="Court order")
    assert ids(Client.objects.visible_to(parent)) == {first.pk}
    assert ids(Client.objects.clinical_for(parent)) == set()
