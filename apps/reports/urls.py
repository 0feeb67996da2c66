from django.urls import path

from apps.reports import views

app_name = "reports"
urlpatterns = [
    path("groups/<slug:slug>/report/", views.group_report_current, name="group_report_current"),
    path("groups/<slug:slug>/report/<str:period>/", views.group_report, name="group_report"),
    path(
        "groups/<slug:slug>/report/<str:period>/narrative/<str:side>/",
        views.narrative_save,
        name="narrative_save",
    ),
    path("reports/", views.charter_report_current, name="charter_report_current"),
    path("reports/<str:period>/", views.charter_report, name="charter_report"),
]
