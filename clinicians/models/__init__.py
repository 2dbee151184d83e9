"""The clinical record: plans, notes, signing, measures, alerts, safety plans,
reports. One module per part; each is imported here so Django finds its models."""

from .alerts import RiskAssessment, SafetyAlert
from .discharge import Discharge
from .group_notes import GroupAddendum, GroupNote, IndividualEntry, add_group_addendum
from .measures import Administration, Answer, SelfReportLink
from .notes import Addendum, Medication, Note
from .plans import Intervention, Objective, ObjectiveProgress, PlanAcknowledgement, PlanReview, Problem, TreatmentPlan
from .reports import ProgressReport
from .safety_plans import SafetyPlan
from .signing import SignedRecordLocked

__all__ = [
    "Addendum",
    "Administration",
    "Answer",
    "Discharge",
    "GroupAddendum",
    "GroupNote",
    "IndividualEntry",
    "Intervention",
    "Medication",
    "Note",
    "Objective",
    "ObjectiveProgress",
    "ProgressReport",
    "PlanAcknowledgement",
    "PlanReview",
    "Problem",
    "RiskAssessment",
    "SafetyAlert",
    "SafetyPlan",
    "SelfReportLink",
    "SignedRecordLocked",
    "TreatmentPlan",
    "add_group_addendum",
]
