"""Guardrails against the commonest accreditation findings on treatment plans:
goals not in the client's words, and goals or objectives copied across clients."""

import re

from .models import Objective, TreatmentPlan

#: Wording of a chart, not of a teen: a goal written about the client ("Client will
#: reduce depressive symptoms as evidenced by PHQ-A < 10") rather than by them.
CLINICAL_WORDING = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^\s*(the\s+)?(client|patient|pt|youth|adolescent|member)\b",
        r"\b(client|patient|pt)('s)?\s+will\b",
        r"\bas\s+(evidenced|measured|demonstrated|indicated)\s+by\b",
        r"\bwill\s+(demonstrate|exhibit|verbalize|decrease|reduce|increase|maintain)\b",
        r"\b(depressive|symptoms?|ideation|phq(-a|-9)?|gad-7|maladaptive|compliance|adherence)\b",
    )
]


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


def clinical_wording(goal):
    """The phrases of ``goal`` that read as clinical wording about the client, not
    the client's own words (product.md: the commonest audit finding), in order."""
    found = []
    for pattern in CLINICAL_WORDING:
        match = pattern.search(goal or "")
        if match and match.group(0).strip() not in found:
            found.append(match.group(0).strip())
    # "Client will" says it all: not "Client" beside it.
    return [p for p in found if not any(p != other and p.lower() in other.lower() for other in found)]
