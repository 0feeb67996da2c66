from django.urls import path

from apps.milestones import csv_views, views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.milestone_list, name="list"),
    path("milestones/new/", views.milestone_create, name="create"),
    path("milestones/owners/", views.owner_search, name="owner_search"),
    path("milestones/export.csv", csv_views.milestones_export, name="export"),
    path("milestones/import/", csv_views.milestones_import, name="import"),
    path(
        "milestones/import/template.csv",
        csv_views.milestones_import_template,
        name="import_template",
    ),
    path("milestones/<int:pk>/", views.milestone_detail, name="detail"),
    path("milestones/<int:pk>/update/", views.milestone_update, name="update"),
    path("milestones/<int:pk>/row/", views.milestone_row, name="row"),
    path("milestones/<int:pk>/row/edit/", views.milestone_row_edit, name="row_edit"),
    path("milestones/<int:pk>/log/", views.milestone_log, name="log"),
    path("milestones/<int:pk>/sign/", views.milestone_sign, name="sign"),
    path("milestones/<int:pk>/decline/", views.milestone_decline, name="decline"),
    path("milestones/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("milestones/evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path(
        "milestones/evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"
    ),
]
