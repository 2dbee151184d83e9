"""What a clinician's home page flags from the clinical record: safety plans
still owed after an alert, their notes left unsigned over 24 hours, and
treatment-plan reviews past due."""

from django import template

from clinicians.followups import safety_plans_owed
from clinicians.reviews import reviews_overdue
from clinicians.signing import unsigned_overdue

register = template.Library()


@register.inclusion_tag("clinicians/includes/home_flags.html", takes_context=True)
def chart_flags(context):
    """The flags of the clients whose charts the page's user reads (each flag applies
    the clinical reading rules itself)."""
    user = context["request"].user
    return {
        "safety_plans_owed": safety_plans_owed(user),
        "unsigned": unsigned_overdue(user),
        "reviews": reviews_overdue(user),
    }
