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
from apps.charter.confirmations import (
    membership_removal_confirmation,
    membership_role_confirmation,
)
from apps.charter.forms import MemberAddForm, MemberChangeForm
from apps.charter.models import Membership, Role, WorkingGroup
from apps.charter.selectors import group_members
from apps.charter.services import (
    membership_add,
    membership_change,
    membership_change_refusal,
    membership_changes_allowed,
    membership_refusal,
    membership_remove,
)
from apps.core.answers import answer_done, answer_refused
from apps.core.confirm import confirmation_asked, is_confirmed

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
    actor,
    add_form: MemberAddForm | None = None,
    failed_row: tuple[int, list[str], str, str] | None = None,
    notice: str = "",
    notice_at: str = "list",
    error: str = "",
) -> dict:
    """What the ``members`` partial needs.

    ``failed_row`` is (membership id, error messages, submitted role, submitted side) for a
    change that was refused: that row shows the errors and keeps the submitted choices.
    ``notice`` is the success banner, shown where the action was: above the list
    (``notice_at="list"``, a row's change or removal) or by the add form (``"add"``).

    For managers each row gets its form's URLs, its ``<option>`` list and its removal
    confirmation here, built once per request rather than by ``{% url %}`` and loops in every
    row: a group can have hundreds of members, and the page stays quick to render. A row has
    controls (``can_change``) only when ``membership_changes_allowed`` says the reader may use
    them — the rule the services enforce — and offers "co-chair" only while that side's seat
    is free.
    """
    members = list(group_members(group=group))
    if access.can_manage:
        roles = [(value, str(label)) for value, label in Role.choices]
        without_cochair = [(value, label) for value, label in roles if value != Role.CO_CHAIR]
        role_options = {(value, True): _options(roles, value) for value, _label in roles} | {
            (value, False): _options(without_cochair, value) for value, _label in roles
        }
        prefix = reverse("charter:member_change", args=[group.slug, 0]).removesuffix("0/")
        back_url = reverse("overview:group", args=[group.slug]) + "#members"
        cochairs = [m for m in members if m.role == Role.CO_CHAIR]
        seats_taken = {m.side for m in cochairs}
        actor_is_cochair = access.role == Role.CO_CHAIR
        failed_id, failed_errors, failed_role, _side = failed_row or (None, [], "", "")
        for membership in members:
            membership.group = group  # the confirmation reads it: no query per row
            membership.can_change = membership_changes_allowed(
                actor=actor,
                membership=membership,
                actor_is_cochair=actor_is_cochair,
                cochair_count=len(cochairs),
            )
            if not membership.can_change:
                continue
            membership.change_url = f"{prefix}{membership.pk}/"
            membership.remove_url = f"{prefix}{membership.pk}/remove/"
            membership.removal = membership_removal_confirmation(
                membership=membership, actor=actor, back_url=back_url
            )
            role, errors = membership.role, []
            if membership.pk == failed_id:
                role = failed_role if failed_role in Role.values else role
                errors = failed_errors
            may_cochair = membership.side in (Side.AZ, Side.US) and (
                membership.role == Role.CO_CHAIR or membership.side not in seats_taken
            )
            membership.role_options = role_options[(role, may_cochair)]
            membership.form_errors = errors
        if failed_row is not None and not any(
            m.pk == failed_id and getattr(m, "can_change", False) for m in members
        ):
            error = error or " ".join(failed_errors)
    return {
        "group": group,
        "access": access,
        "members": members,
        "add_form": add_form or MemberAddForm(),
        "members_notice": notice,
        "members_notice_at": notice_at,
        "members_error": error,
    }


def _done(request, group: WorkingGroup, notice: str, *, notice_at: str = "list"):
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
        context=lambda: members_context(
            group=group, access=access, actor=request.user, notice=notice, notice_at=notice_at
        ),
    )


def _refused(request, group: WorkingGroup, access: GroupAccess, *, status: int, **context):
    return answer_refused(
        request,
        page=MEMBERS_PAGE,
        fragment=MEMBERS_FRAGMENT,
        context=members_context(group=group, access=access, actor=request.user, **context),
        status=status,
    )


def _membership_in(group: WorkingGroup, membership_id: int) -> Membership | None:
    """The membership as it is now, to word its confirmation (None when it is gone: the
    service then says so)."""
    return (
        Membership.objects.select_related("user", "group")
        .filter(pk=membership_id, group=group)
        .first()
    )


def _back_url(group: WorkingGroup) -> str:
    return reverse("overview:group", args=[group.slug]) + "#members"


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
            return _done(request, group, notice, notice_at="add")
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
    current = None if is_confirmed(request) else _membership_in(group, membership_id)
    confirmation = current and membership_role_confirmation(
        membership=current,
        actor=request.user,
        role=form.cleaned_data["role"],
        side=form.cleaned_data["side"],
        back_url=_back_url(group),
    )
    # Asked only before a change that would be made: a refused one says why instead.
    if confirmation and not membership_change_refusal(
        actor=request.user,
        membership=current,
        role=form.cleaned_data["role"],
        side=form.cleaned_data["side"],
        actor_is_cochair=access.role == Role.CO_CHAIR,
    ):
        return confirmation_asked(request, confirmation=confirmation)
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
    current = None if is_confirmed(request) else _membership_in(group, membership_id)
    # Asked only before a removal that would be made: a refused one says why instead.
    if current is not None and not membership_refusal(
        actor=request.user, membership=current, actor_is_cochair=access.role == Role.CO_CHAIR
    ):
        return confirmation_asked(
            request,
            confirmation=membership_removal_confirmation(
                membership=current, actor=request.user, back_url=_back_url(group)
            ),
        )
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
