from django.urls import path

from apps.reports import feed_views, views

app_name = "reports"
urlpatterns = [
    path("groups/<slug:slug>/", views.group, name="group"),
    path("groups/<slug:slug>/report/", views.group_report_current, name="group_report_current"),
    path("groups/<slug:slug>/report/<str:period>/", views.group_report, name="group_report"),
    path(
        "groups/<slug:slug>/report/<str:period>/narrative/<str:side>/",
        views.narrative_save,
        name="narrative_save",
    ),
    path("reports/", views.charter_report_current, name="charter_report_current"),
    path("reports/<str:period>/", views.charter_report, name="charter_report"),
    path("calendar/", feed_views.calendar_page, name="calendar"),
    path("calendar/regenerate/", feed_views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/revoke/", feed_views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", feed_views.user_feed, name="calendar_user"),
    path(
        "calendar/<str:token>/groups/<slug:slug>.ics",
        feed_views.group_feed,
        name="calendar_group",
    ),
]
