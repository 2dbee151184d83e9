"""The clinical record: plans, notes, signing, measures, alerts, safety plans,
reports. One module per part; each is imported here so Django finds its models."""

from .alerts import RiskAssessment, SafetyAlert
from .measures import Administration, Answer, SelfReportLink

__all__ = ["Administration", "Answer", "RiskAssessment", "SafetyAlert", "SelfReportLink"]
