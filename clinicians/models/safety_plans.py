"""The safety plan (Stanley & Brown 2012, Cogn Behav Pract 19:256-264),
written with the client, kept as signed versions and printable for home."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .signing import Versioned

#: The US Suicide & Crisis Lifeline, always on a safety plan.
CRISIS_LINE = _("988 Suicide & Crisis Lifeline: call or text 988, or chat at 988lifeline.org")


class SafetyPlan(Versioned):
    # The six Stanley-Brown steps, then reasons for living, in the client's words.
    # A draft is written over a session or two and may be saved with steps still
    # empty; signing needs those of ``needed_to_sign`` (see ``missing_before_signing``).
    warning_signs = models.TextField(
        _("1. Warning signs"), blank=True, help_text=_("Thoughts, moods or situations that come first.")
    )
    internal_coping = models.TextField(
        _("2. Internal coping strategies"),
        blank=True,
        help_text=_("Things I can do on my own to take my mind off it."),
    )
    distraction = models.TextField(_("3. People and social settings that provide distraction"), blank=True)
    people_to_ask = models.TextField(
        _("4. People I can ask for help"), blank=True, help_text=_("Names and phone numbers.")
    )
    professionals = models.TextField(
        _("5. Professionals and agencies to contact in a crisis"),
        blank=True,
        help_text=_("Clinic, on-call clinician, 988, emergency room."),
    )
    environment = models.TextField(
        _("6. Making the environment safe"),
        blank=True,
        help_text=_("e.g. medications locked away, no access to firearms."),
    )
    reasons_for_living = models.TextField(_("Reasons for living"), blank=True)

    copied_fields = (
        "warning_signs",
        "internal_coping",
        "distraction",
        "people_to_ask",
        "professionals",
        "environment",
        "reasons_for_living",
    )
    #: The steps a signed plan cannot leave empty (3 and the reasons may wait).
    needed_to_sign = ("warning_signs", "internal_coping", "people_to_ask", "professionals", "environment")

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            *Versioned.version_constraints("safety_plan"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True)
                | (
                    ~Q(warning_signs="")
                    & ~Q(internal_coping="")
                    & ~Q(people_to_ask="")
                    & ~Q(professionals="")
                    & ~Q(environment="")
                ),
                name="signed_safety_plan_has_its_steps",
            ),
        ]

    def __str__(self):
        return f"Safety plan v{self.version}"

    @classmethod
    def start_draft(cls, client, author):
        draft, created = super().start_draft(client, author)
        if created and draft.version == 1 and not draft.professionals:
            draft.professionals = str(CRISIS_LINE)
            draft.save(update_fields=["professionals"])
        return draft, created

    def empty_steps(self):
        """The names of the steps needed to sign that are still empty."""
        return [name for name in self.needed_to_sign if not getattr(self, name).strip()]

    def missing_before_signing(self):
        """The steps a draft still needs before it may be signed (their labels), or nothing."""
        return [self._meta.get_field(name).verbose_name for name in self.empty_steps()]

    def sign(self, user, when=None):
        missing = self.missing_before_signing()
        if missing:
            raise ValidationError(
                _("A safety plan is signed with every step but 3; still empty: %(steps)s.")
                % {"steps": ", ".join(str(step) for step in missing)}
            )
        super().sign(user, when)

    def steps(self):
        """(label, text) for each section, in order, for the page and the print."""
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.copied_fields]
