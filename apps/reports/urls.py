from django.urls import path

from apps.reports import views

app_name = "reports"
urlpatterns = [
    path("groups/<slug:slug>/", views.group, name="group"),
]
