"""What families see and how they are reached: the link between a family
member and a client is the only door into a client's released content."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iop.models import Client, Role


class FamilyLink(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        STEPPARENT = "stepparent", _("Stepparent")
        GRANDPARENT = "grandparent", _("Grandparent")
        GUARDIAN = "guardian", _("Legal guardian")
        FOSTER = "foster", _("Foster parent")
        OTHER = "other", _("Other caregiver")

    family_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="family_links",
        limit_choices_to={"role": Role.FAMILY},
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="family_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    legal_authority = models.BooleanField(default=False, help_text=_("Holds legal authority for the client."))
    # "Do not contact": nothing is sent and the portal is closed, with the reason kept.
    portal_suspended = models.BooleanField(default=False)
    suspended_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family_member", "client"], name="one_link_per_family_member_and_client"),
        ]

    def __str__(self):
        return f"{self.family_member} ({self.get_relationship_display()}) -> {self.client}"
