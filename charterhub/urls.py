from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from apps.overview import views as overview_views
from charterhub.health import healthz

# Outages raised outside a view (a middleware reading the session) get the 503/507 page too.
handler500 = "charterhub.middleware.server_error"


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever a page's <link rel="icon"> says."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", overview_views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("apps.accounts.urls")),
    path("", include("apps.charter.urls")),
    path("", include("apps.milestones.urls")),
    path("", include("apps.meetings.urls")),
    path("", include("apps.overview.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.calendar.urls")),
    path("", include("apps.notifications.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
