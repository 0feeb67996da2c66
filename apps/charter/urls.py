from django.urls import path

from apps.charter import views

app_name = "charter"
urlpatterns = [
    path("groups/<slug:slug>/members/add/", views.member_add, name="member_add"),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/",
        views.member_change,
        name="member_change",
    ),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
