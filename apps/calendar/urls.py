from django.urls import path

from apps.calendar import views

app_name = "calendar"
urlpatterns = [
    path("calendar/", views.calendar_page, name="page"),
    path("calendar/regenerate/", views.calendar_regenerate, name="regenerate"),
    path("calendar/revoke/", views.calendar_revoke, name="revoke"),
    path("calendar/<str:token>.ics", views.user_feed, name="user_feed"),
    path("calendar/<str:token>/groups/<slug:slug>.ics", views.group_feed, name="group_feed"),
]
