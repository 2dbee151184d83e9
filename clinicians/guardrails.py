"""Guardrails against the commonest accreditation findings on treatment plans:
goals not in the client's words, and goals or objectives copied across clients."""

from .models import Objective, TreatmentPlan


def copied_texts(plan):
    """Goal and objective texts of ``plan`` that appear word for word (ignoring
    case and spacing) in another client's plan. Says nothing about whose."""
    texts = {plan.goal_key: plan.goal}
    texts.update((objective.text_key, objective.text) for objective in plan.objectives.all())
    texts.pop("", None)
    if not texts:
        return []
    others = TreatmentPlan.objects.exclude(client_id=plan.client_id)
    found = set(others.filter(goal_key__in=texts).values_list("goal_key", flat=True))
    found |= set(
        Objective.objects.exclude(plan__client_id=plan.client_id)
        .filter(text_key__in=texts)
        .values_list("text_key", flat=True)
    )
    return [text for key, text in texts.items() if key in found]
