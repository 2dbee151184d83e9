from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import audit_views, grant_views, staff_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/clinician/", views.clinician_home, name="clinician_home"),
    path("staff/admin/", views.admin_home, name="admin_home"),
    path("staff/admin/deliveries/", views.delivery_log, name="delivery_log"),
    path("staff/admin/program/", views.program_settings, name="program_settings"),
    path("staff/admin/people/", staff_views.staff_list, name="staff_list"),
    path("staff/admin/people/new/", staff_views.staff_new, name="staff_new"),
    path("staff/admin/people/<int:pk>/", staff_views.staff_edit, name="staff_edit"),
    path("staff/admin/deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("clients/", views.client_list, name="client_list"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:pk>/profile/", views.client_profile, name="client_profile"),
    path("clients/<int:pk>/details/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/access/", grant_views.client_access, name="client_access"),
    path("clients/<int:pk>/access-history/", audit_views.access_history, name="client_access_history"),
    path("clients/<int:pk>/emergency-access/", audit_views.emergency_access, name="emergency_access"),
    path("clients/<int:pk>/emergency-access/end/", audit_views.emergency_access_end, name="emergency_access_end"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("audit/emergency/<int:pk>/review/", audit_views.emergency_review, name="emergency_review"),
    path("family/", include("families.urls")),
    path("schedule/", include("groups.urls")),
    path("", include("clinicians.urls")),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]

handler403 = "iop.errors.permission_denied"
handler404 = "iop.errors.page_not_found"
handler500 = "iop.errors.server_error"
