"""What a clinician's home page flags from the clinical record: safety plans
still owed after an alert, their notes left unsigned over 24 hours, and
treatment-plan reviews past due."""

from django import template

from clinicians.models import SafetyAlert
from clinicians.reviews import reviews_overdue
from clinicians.signing import unsigned_overdue
from iop.models import Client

register = template.Library()


@register.inclusion_tag("clinicians/includes/home_flags.html", takes_context=True)
def chart_flags(context):
    user = context["request"].user
    return {
        "safety_plans_owed": safety_plans_owed(user),
        "unsigned": list(unsigned_overdue(user)),
        "reviews": reviews_overdue(user),
    }


def safety_plans_owed(user):
    """Admitted clients whose chart ``user`` reads that are owed a safety plan: for
    each, the first closed alert that recorded one with none signed since; the
    longest owed first."""
    alerts = SafetyAlert.objects.filter(
        client__in=Client.objects.clinical_for(user), client__status=Client.Status.ADMITTED
    )
    owed = alerts.safety_plan_owed().select_related("client", "risk_assessment__assessed_by").order_by("created_at")
    first_per_client = {}
    for alert in owed:
        first_per_client.setdefault(alert.client_id, alert)
    return list(first_per_client.values())
