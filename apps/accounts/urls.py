"""Project-level account URLs (no app_name, so Django's default names work)."""

from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
]
