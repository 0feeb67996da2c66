from django.urls import path

from apps.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_create, name="create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_ics, name="ics"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/attendance/", views.attendance_set, name="attendance"),
    path("meetings/<int:pk>/guests/", views.guest_add, name="guest_add"),
    path("meetings/<int:pk>/guests/remove/", views.guest_remove, name="guest_remove"),
    path("meetings/<int:pk>/minutes/", views.minutes_update, name="minutes"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/decisions/remove/", views.decision_remove, name="decision_remove"),
    path("meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("meetings/<int:pk>/actions/status/", views.action_status, name="action_status"),
    path("meetings/<int:pk>/actions/promote/", views.action_promote, name="action_promote"),
    path("meetings/<int:pk>/adopt/", views.minutes_adopt, name="adopt"),
]
