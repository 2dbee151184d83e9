"""URLs of the clinical record (included at the site root by iop/urls.py)."""

from django.urls import path

from .views import alerts, measures, self_report

app_name = "clinicians"

urlpatterns = [
    path("clients/<int:pk>/measures/", measures.client_measures, name="client_measures"),
    path("clients/<int:pk>/measures/new/", measures.new_administration, name="new_administration"),
    path("clients/<int:pk>/measures/link/", measures.send_self_report_link, name="send_self_report_link"),
    path("clients/<int:pk>/measures/kiosk/", measures.start_kiosk, name="start_kiosk"),
    path("clients/<int:pk>/measures/fhir.json", measures.export_fhir, name="export_fhir"),
    path("measures/<int:pk>/", measures.administration_detail, name="administration"),
    path("measures/caseload/", measures.caseload, name="caseload"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", alerts.acknowledge_alert, name="acknowledge_alert"),
    path("alerts/<int:pk>/assessment/", alerts.document_risk_assessment, name="risk_assessment"),
    # No account: the token is the only key.
    path("check-in/thanks/", self_report.self_report_thanks, name="self_report_thanks"),
    path("check-in/<str:token>/", self_report.self_report, name="self_report"),
]
