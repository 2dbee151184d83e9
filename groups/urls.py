from django.urls import path

from .views import calendar, enrollment, feeds, sessions, setup

app_name = "groups"
urlpatterns = [
    path("week/", calendar.week, name="week"),
    path("hours/", calendar.hours, name="hours"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", sessions.attendance, name="attendance"),
    path("sessions/<int:pk>/move/", sessions.reschedule, name="reschedule"),
    path("cohorts/", setup.cohort_list, name="cohort_list"),
    path("cohorts/new/", setup.cohort_form, name="cohort_new"),
    path("cohorts/<int:pk>/edit/", setup.cohort_form, name="cohort_edit"),
    path("cohorts/<int:pk>/skills/", setup.cohort_weeks, name="cohort_weeks"),
    path("cohorts/<int:pk>/make-up/", sessions.make_up, name="make_up"),
    path("cohorts/<int:pk>/calendar.ics", feeds.cohort_feed, name="cohort_feed"),
    path("generate/", setup.generate, name="generate"),
    path("closures/", setup.closures, name="closures"),
    path("enrollment/", enrollment.enrollment_list, name="enrollment_list"),
    path("enrollment/<int:pk>/", enrollment.client_enrollment, name="client_enrollment"),
    path("calendar-link/", feeds.family_calendar, name="family_calendar"),
    path("feeds/family/<str:token>.ics", feeds.family_feed, name="family_feed"),
]
