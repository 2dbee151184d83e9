"""Scheduling pages, one module per area: the week calendar and hours, sessions,
cohort set-up, closures, enrollment and calendar feeds."""
