from django.urls import path

from apps.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/emails/", views.email_list, name="emails"),
    path("notifications/emails/<int:pk>/", views.email_detail, name="email_detail"),
    path("notifications/emails/<int:pk>/html/", views.email_html, name="email_html"),
    path("notifications/preview/<int:user_id>/", views.digest_preview, name="digest_preview"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
