"""Managing a working group's members, inline on the group page.

The members section of the group page (``overview/group.html``, partial ``members``) is what
these views answer with under HTMX: 200 with the updated list, 422 with the form's errors,
409 when the membership was removed meanwhile. Without JavaScript a success redirects back to
the group page with a message (PRG); a failure shows the members section as a page of its own
with the errors (422 / 409), the input kept.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Side
from apps.charter.access import GroupAccess, get_group_for_user, group_access
from apps.charter.forms import MemberAddForm, MemberChangeForm
from apps.charter.models import Membership, Role, WorkingGroup
from apps.charter.selectors import group_members
from apps.charter.services import membership_add, membership_change, membership_remove
from apps.core.answers import answer_done, answer_refused

MEMBERS_FRAGMENT = "charter/members.html#members"
MEMBERS_PAGE = "charter/members.html"


def _options(choices: list[tuple[str, str]], selected: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def members_context(
    *,
    group: WorkingGroup,
    access: GroupAccess,
    add_form: MemberAddForm | None = None,
    failed_row: tuple[int, list[str], str, str] | None = None,
    notice: str = "",
    error: str = "",
) -> dict:
    """What the ``members`` partial needs.

    ``failed_row`` is (membership id, error messages, submitted role, submitted side) for a
    change that was refused: that row shows the errors and keeps the submitted choices.

    For managers each row gets its form's URLs, texts and ``<option>`` lists here, built once
    per request rather than by ``{% url %}``, ``{% blocktranslate %}`` and loops in every row:
    a group can have hundreds of members, and the page stays quick to render.
    """
    members = list(group_members(group=group))
    if access.can_manage:
        roles = [(value, str(label)) for value, label in Role.choices]
        sides = [(value, str(label)) for value, label in Side.choices]
        role_options = {value: _options(roles, value) for value, _label in roles}
        side_options = {value: _options(sides, value) for value, _label in sides}
        prefix = reverse("charter:member_change", args=[group.slug, 0]).removesuffix("0/")
        confirm = _("Remove %(name)s from the group?")
        failed_id, failed_errors, failed_role, failed_side = failed_row or (None, [], "", "")
        for membership in members:
            membership.change_url = f"{prefix}{membership.pk}/"
            membership.remove_url = f"{prefix}{membership.pk}/remove/"
            membership.confirm_remove = confirm % {"name": membership.user.get_full_name()}
            role, side, errors = membership.role, membership.side, []
            if membership.pk == failed_id:
                role = failed_role if failed_role in Role.values else role
                side = failed_side if failed_side in Side.values else side
                errors = failed_errors
            membership.role_options = role_options[role]
            membership.side_options = side_options[side]
            membership.form_errors = errors
        if failed_row is not None and not any(m.pk == failed_id for m in members):
            error = error or " ".join(failed_errors)
    return {
        "group": group,
        "access": access,
        "members": members,
        "add_form": add_form or MemberAddForm(),
        "members_notice": notice,
        "members_error": error,
    }


def _done(request, group: WorkingGroup, notice: str):
    """After a successful change: the fresh members section (HTMX) or back to the page (PRG).

    Access is read again: a co-chair who stepped down no longer sees the management forms,
    and one who left a restricted group can no longer see it at all.
    """
    access = group_access(user=request.user, group=group)
    if not access.can_view:
        return answer_done(request, message=notice, url=reverse("dashboard"))
    return answer_done(
        request,
        message=notice,
        url=reverse("overview:group", args=[group.slug]),
        fragment=MEMBERS_FRAGMENT,
        context=lambda: members_context(group=group, access=access, notice=notice),
    )


def _refused(request, group: WorkingGroup, access: GroupAccess, *, status: int, **context):
    return answer_refused(
        request,
        page=MEMBERS_PAGE,
        fragment=MEMBERS_FRAGMENT,
        context=members_context(group=group, access=access, **context),
        status=status,
    )


def _status_for(error: ValidationError) -> int:
    return 409 if getattr(error, "code", None) == "gone" else 422


def _describe(membership: Membership) -> dict:
    return {
        "name": membership.user.get_short_name(),
        "role": membership.get_role_display(),
        "side": membership.get_side_display(),
    }


@login_required
@require_POST
def member_add(request, slug: str):
    group, access = get_group_for_user(user=request.user, slug=slug, manage=True)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = membership_add(
                group=group,
                actor=request.user,
                user=form.user,
                role=form.cleaned_data["role"],
                side=form.cleaned_data["side"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notice = _("%(name)s joined the group: %(role)s, %(side)s.") % _describe(membership)
            return _done(request, group, notice)
    return _refused(request, group, access, status=422, add_form=form)


@login_required
@require_POST
def member_change(request, slug: str, membership_id: int):
    group, access = get_group_for_user(user=request.user, slug=slug, manage=True)
    form = MemberChangeForm(request.POST)
    role, side = request.POST.get("role", ""), request.POST.get("side", "")
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return _refused(
            request, group, access, status=422, failed_row=(membership_id, errors, role, side)
        )
    try:
        membership = membership_change(
            membership_id=membership_id,
            actor=request.user,
            role=form.cleaned_data["role"],
            side=form.cleaned_data["side"],
            group=group,
        )
    except ValidationError as error:
        if _status_for(error) == 409:
            return _refused(request, group, access, status=409, error=" ".join(error.messages))
        return _refused(
            request,
            group,
            access,
            status=422,
            failed_row=(membership_id, error.messages, role, side),
        )
    notice = _("%(name)s is now %(role)s, %(side)s.") % _describe(membership)
    return _done(request, group, notice)


@login_required
@require_POST
def member_remove(request, slug: str, membership_id: int):
    group, access = get_group_for_user(user=request.user, slug=slug, manage=True)
    try:
        membership = membership_remove(membership_id=membership_id, actor=request.user, group=group)
    except ValidationError as error:
        if _status_for(error) == 409:
            return _refused(request, group, access, status=409, error=" ".join(error.messages))
        # The row keeps its current role and side ("" is no choice).
        return _refused(
            request, group, access, status=422, failed_row=(membership_id, error.messages, "", "")
        )
    notice = _("%(name)s was removed from the group.") % {"name": membership.user.get_short_name()}
    return _done(request, group, notice)
