from django.urls import path

from .views import appointments, family_group, people, portal, summaries

app_name = "families"
urlpatterns = [
    # The portal (family members)
    path("", portal.home, name="home"),
    path("children/<int:pk>/", portal.child_home, name="child_home"),
    path("children/<int:pk>/skills/", portal.archive, name="archive"),
    path("children/<int:pk>/skills/<int:summary_pk>/", portal.summary, name="summary"),
    path("children/<int:pk>/reports/<int:report_pk>/", portal.report_download, name="report_download"),
    path("preferences/", portal.preferences, name="preferences"),
    path("language/", portal.set_language, name="set_language"),
    path("welcome/<uidb64>/<token>/", people.welcome, name="welcome"),
    # Staff
    path("staff/members/", people.member_list, name="member_list"),
    path("staff/invite/", people.invite, name="invite"),
    path("staff/members/<int:pk>/reinvite/", people.reinvite, name="reinvite"),
    path("staff/members/<int:pk>/do-not-contact/", people.do_not_contact, name="do_not_contact"),
    path("staff/clients/<int:pk>/", people.client_family, name="client_family"),
    path("staff/links/<int:pk>/remove/", people.unlink, name="unlink"),
    path("staff/clients/<int:pk>/appointments/new/", appointments.appointment_new, name="appointment_new"),
    path("staff/appointments/<int:pk>/", appointments.appointment_edit, name="appointment_edit"),
    path("staff/appointments/<int:pk>/cancel/", appointments.appointment_cancel, name="appointment_cancel"),
    path("staff/summaries/", summaries.summary_list, name="summary_list"),
    path("staff/summaries/week/<int:pk>/", summaries.summary_edit, name="summary_edit"),
    path("staff/summaries/<int:pk>/notes/<int:client_pk>/", summaries.personal_note, name="personal_note"),
    path("staff/family-group/", family_group.family_group_list, name="family_group_list"),
    path("staff/family-group/<int:pk>/", family_group.family_group_sheet, name="family_group_sheet"),
]
