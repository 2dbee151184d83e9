"""The clinical record: plans, notes, signing, measures, alerts, safety plans, reports."""
