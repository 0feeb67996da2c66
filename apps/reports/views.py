from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.charter.selectors import charter_current
from apps.reports.selectors import group_cards


@login_required
def dashboard(request):
    return render(
        request,
        "reports/dashboard.html",
        {"charter": charter_current(), "groups": group_cards(user=request.user)},
    )
