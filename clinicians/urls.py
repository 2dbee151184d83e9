"""URLs of the clinical record (included at the site root by iop/urls.py)."""

from django.urls import path

from . import (
    chart_views,
    discharge_views,
    group_views,
    note_views,
    plan_views,
    report_views,
    safety_plan_views,
)
from .views import alerts, measures, self_report

app_name = "clinicians"

urlpatterns = [
    path("clients/<int:pk>/chart/", chart_views.chart, name="chart"),
    path("clients/<int:pk>/chart/<slug:section>/", chart_views.chart, name="chart_section"),
    path("clients/<int:pk>/notes/", chart_views.notes, name="client_notes"),
    path("clients/<int:pk>/chart/entries/<int:entry>/", chart_views.chart_entry, name="chart_entry"),
    # Treatment plans
    path("clients/<int:pk>/plan/new/", plan_views.plan_start, name="plan_start"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/take-over/", plan_views.plan_take_over, name="plan_take_over"),
    path("plans/<int:pk>/discard/", plan_views.plan_discard, name="plan_discard"),
    path("plans/<int:pk>/rows/<slug:part>/", plan_views.plan_row, name="plan_row"),
    path("plans/<int:pk>/sign/", plan_views.plan_sign, name="plan_sign"),
    path("plans/<int:pk>/acknowledge/", plan_views.plan_acknowledge, name="plan_acknowledge"),
    path("plans/<int:pk>/review/", plan_views.plan_review, name="plan_review"),
    # Notes and the medication list
    path("clients/<int:pk>/notes/new/<slug:kind>/", note_views.note_new, name="note_new"),
    path("notes/<int:pk>/", note_views.note_detail, name="note"),
    path("notes/<int:pk>/edit/", note_views.note_edit, name="note_edit"),
    path("notes/<int:pk>/sign/", note_views.note_sign, name="note_sign"),
    path("notes/<int:pk>/addendum/", note_views.note_addendum, name="note_addendum"),
    path("clients/<int:pk>/medications/new/", note_views.medication_new, name="medication_new"),
    path("medications/<int:pk>/stop/", note_views.medication_stop, name="medication_stop"),
    # Tonight's group
    path("tonight/", group_views.tonight, name="tonight"),
    path("sessions/<int:pk>/chart/", group_views.group_chart, name="group_chart"),
    path("sessions/<int:pk>/chart/autosave/", group_views.group_autosave, name="group_autosave"),
    path("sessions/<int:pk>/chart/addendum/", group_views.group_addendum, name="group_addendum"),
    # Safety plan
    path("clients/<int:pk>/safety-plan/new/", safety_plan_views.safety_plan_start, name="safety_plan_start"),
    path("safety-plans/<int:pk>/", safety_plan_views.safety_plan_detail, name="safety_plan"),
    path("safety-plans/<int:pk>/edit/", safety_plan_views.safety_plan_edit, name="safety_plan_edit"),
    path("safety-plans/<int:pk>/take-over/", safety_plan_views.safety_plan_take_over, name="safety_plan_take_over"),
    path("safety-plans/<int:pk>/discard/", safety_plan_views.safety_plan_discard, name="safety_plan_discard"),
    path("safety-plans/<int:pk>/print/", safety_plan_views.safety_plan_print, name="safety_plan_print"),
    # Discharge
    path("clients/<int:pk>/discharge/", discharge_views.discharge_client, name="discharge"),
    # Progress reports (PDF)
    path("clients/<int:pk>/reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("reports/<int:pk>/retry/", report_views.report_retry, name="report_retry"),
    path("reports/<int:pk>/release/", report_views.report_release, name="report_release"),
    # Measures and safety alerts
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
