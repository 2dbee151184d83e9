"""Demo families and their links to clients."""

from iop.demo import FAMILIES, upsert_user
from iop.models import Client, Role

from .models import FamilyLink


def seed(today, log):
    for email, first, last, language, links in FAMILIES:
        member = upsert_user(email, first_name=first, last_name=last, role=Role.FAMILY, language=language)
        for chart, relationship, authority in links:
            FamilyLink.objects.update_or_create(
                family_member=member,
                client=Client.objects.get(chart_number=chart),
                defaults={"relationship": relationship, "legal_authority": authority},
            )
    log(f"{len(FAMILIES)} families")
