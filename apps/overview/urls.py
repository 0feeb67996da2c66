from django.urls import path

from apps.overview import views

app_name = "overview"
urlpatterns = [
    path("groups/<slug:slug>/", views.group, name="group"),
]
