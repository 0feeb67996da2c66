"""Writes for working groups: managing a group's members.

Who may do it: staff, and the group's co-chairs. The rules, each a ValidationError with a
``code`` the views and tests can tell apart:

* ``invalid_choice`` — an unknown role or side;
* ``inactive_user`` — the account is deactivated;
* ``already_member`` — the user is already in the group;
* ``users_side`` — a member sits in every group on their own side (the user's ``side``);
* ``cochair_side`` — a co-chair represents Azerbaijan or the United States, never "other";
* ``cochair_taken`` — the side already has a co-chair ("change that co-chair's role first");
* ``other_cochair`` — a co-chair may not change or remove another co-chair (staff may):
  each side answers for its own co-chair;
* ``last_cochair`` — a co-chair may not remove or demote themselves when no other co-chair is
  left, since then nobody but staff could manage the group (staff may);
* ``gone`` — the membership no longer exists (someone removed it meanwhile);
* ``conflict`` — a database constraint refused the write for a reason the checks could not name
  (someone changed the group's members at the same moment): reload and try again.

Someone who is neither staff nor a co-chair of the group gets PermissionDenied.

A new member is announced with the ``member_joined`` signal (``apps.charter.signals``) inside
the same transaction, so the floors above (meetings: invitations to upcoming meetings) follow.

Every change is recorded in the security audit log (``role_changed``) in the same transaction
as the write, so the log holds exactly the changes that happened.

Every write locks the group's row first (``select_for_update``), so two people managing the same
group's members take turns: the checks above see each other's committed changes. The database
constraints (one membership per user and group, one co-chair per side) remain the last word; a
violation that slips past the checks is reported as the same ValidationError, never an
IntegrityError.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Side, User
from apps.audit.models import AuditKind
from apps.audit.services import audit_record
from apps.charter.models import Membership, Role, WorkingGroup
from apps.charter.signals import send_member_joined


def _lock_group(group_id: int) -> WorkingGroup:
    return WorkingGroup.objects.select_for_update().get(pk=group_id)


def _is_staff(user: User) -> bool:
    return bool(user.is_active and user.is_staff)


def _check_actor(*, group: WorkingGroup, actor: User) -> None:
    """Staff, or a co-chair of the group — read after the lock, so a co-chair demoted a moment
    ago can no longer act."""
    if _is_staff(actor):
        return
    if not Membership.objects.filter(group=group, user=actor, role=Role.CO_CHAIR).exists():
        raise PermissionDenied(_("Only the group's co-chairs and staff can manage its members."))


def _check_choices(*, role: str, side: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            _("Choose a role: co-chair, member or observer."), code="invalid_choice"
        )
    if side not in Side.values:
        raise ValidationError(
            _("Choose a side: Azerbaijan, United States or other."), code="invalid_choice"
        )


def users_side_error(user: User) -> ValidationError:
    """The database refuses a membership on another side than its user's
    (``membership_side_is_users_side``): this says so first, in words."""
    return ValidationError(
        _("%(name)s is on the %(side)s side: a member sits in every group on their own side."),
        code="users_side",
        params={"name": user.get_short_name(), "side": Side(user.side).label},
    )


def _check_users_side(*, user: User, side: str) -> None:
    if side != user.side:
        raise users_side_error(user)


def _membership_of(*, group: WorkingGroup, user: User) -> Membership | None:
    return Membership.objects.filter(group=group, user=user).first()


def _cochair_for_side(*, group: WorkingGroup, side: str, exclude_pk: int | None = None):
    cochairs = Membership.objects.filter(group=group, side=side, role=Role.CO_CHAIR)
    if exclude_pk is not None:
        cochairs = cochairs.exclude(pk=exclude_pk)
    return cochairs.select_related("user").first()


def _check_cochair_seat(
    *, group: WorkingGroup, role: str, side: str, exclude_pk: int | None = None
) -> None:
    if role != Role.CO_CHAIR:
        return
    if side not in (Side.AZ, Side.US):
        raise ValidationError(
            _("A co-chair represents Azerbaijan or the United States — choose one of those sides."),
            code="cochair_side",
        )
    if _cochair_for_side(group=group, side=side, exclude_pk=exclude_pk) is not None:
        raise ValidationError(
            _(
                "This group already has a co-chair for %(side)s — change that co-chair's "
                "role first."
            ),
            code="cochair_taken",
            params={"side": Side(side).label},
        )


def membership_refusal(
    *,
    actor: User,
    membership: Membership,
    leaving: bool = True,
    actor_is_cochair: bool | None = None,
    cochair_count: int | None = None,
) -> PermissionDenied | ValidationError | None:
    """Why ``actor`` may not change or remove ``membership`` — None when they may. The one rule
    ``membership_change`` and ``membership_remove`` enforce and the group page asks before it
    shows a row's controls (``membership_changes_allowed``):

    * staff may change anyone;
    * otherwise only a co-chair of the group (``PermissionDenied``);
    * a co-chair's own membership only that co-chair may change (``other_cochair``: each side
      answers for its own co-chair),
    * and not so as to leave the group without a co-chair (``last_cochair``), when
      ``leaving`` (the change removes the co-chair role: a removal or a demotion).

    ``actor_is_cochair`` and ``cochair_count`` (the group's co-chairs) are read from the
    database when not given; a page that has the group's members at hand passes them.
    """
    if _is_staff(actor):
        return None
    if actor_is_cochair is None:
        actor_is_cochair = Membership.objects.filter(
            group_id=membership.group_id, user=actor, role=Role.CO_CHAIR
        ).exists()
    if not actor_is_cochair:
        return PermissionDenied(_("Only the group's co-chairs and staff can manage its members."))
    if membership.role != Role.CO_CHAIR:
        return None
    if membership.user_id != actor.pk:
        return ValidationError(
            _(
                "Only staff or %(name)s can change the co-chair for %(side)s: each side answers "
                "for its own co-chair."
            ),
            code="other_cochair",
            params={"name": membership.user.get_short_name(), "side": Side(membership.side).label},
        )
    if leaving:
        if cochair_count is None:
            cochair_count = Membership.objects.filter(
                group_id=membership.group_id, role=Role.CO_CHAIR
            ).count()
        if cochair_count <= 1:
            return ValidationError(
                _(
                    "You are the group's last co-chair: appoint a co-chair for the other side "
                    "first, or ask staff, so that someone can still manage the group."
                ),
                code="last_cochair",
            )
    return None


def membership_changes_allowed(
    *,
    actor: User,
    membership: Membership,
    actor_is_cochair: bool | None = None,
    cochair_count: int | None = None,
) -> bool:
    """Whether ``actor`` may change or remove ``membership`` (``membership_refusal``): the group
    page shows a row's Remove button and role menu only then."""
    return (
        membership_refusal(
            actor=actor,
            membership=membership,
            actor_is_cochair=actor_is_cochair,
            cochair_count=cochair_count,
        )
        is None
    )


def membership_change_refusal(
    *, actor: User, membership: Membership, role: str, side: str, actor_is_cochair: bool | None
) -> Exception | None:
    """Why ``membership_change`` would refuse this change now — None when it would make it
    (read without locking: the service checks again). The page asks for confirmation only of
    a change that would be made."""
    if membership.role == role and membership.side == side:
        return None
    checks = (
        lambda: _check_choices(role=role, side=side),
        lambda: _check_users_side(user=membership.user, side=side),
        lambda: _check_cochair_seat(
            group=membership.group, role=role, side=side, exclude_pk=membership.pk
        ),
    )
    refusal = membership_refusal(
        actor=actor,
        membership=membership,
        leaving=role != Role.CO_CHAIR,
        actor_is_cochair=actor_is_cochair,
    )
    if refusal is not None:
        return refusal
    for check in checks:
        try:
            check()
        except ValidationError as error:
            return error
    return None


def _check_cochair_change(*, membership: Membership, actor: User, leaving: bool) -> None:
    """``membership_refusal`` for an actor already known to be staff or a co-chair."""
    refusal = membership_refusal(
        actor=actor, membership=membership, leaving=leaving, actor_is_cochair=True
    )
    if refusal is not None:
        raise refusal


def _gone() -> ValidationError:
    return ValidationError(
        _("That person is no longer a member of this group: someone removed them meanwhile."),
        code="gone",
    )


def _explain_integrity_error(
    *, group: WorkingGroup, user_id: int, role: str, side: str, exclude_pk: int | None
) -> ValidationError:
    """A constraint fired after our checks passed: someone else changed the group between the
    checks and the write (on a backend without row locks). Say which rule it was."""
    if exclude_pk is None and Membership.objects.filter(group=group, user_id=user_id).exists():
        return ValidationError(
            _("This person was added to the group meanwhile."), code="already_member"
        )
    try:
        _check_cochair_seat(group=group, role=role, side=side, exclude_pk=exclude_pk)
    except ValidationError as error:
        return error
    return ValidationError(
        _("Someone changed the group's members at the same time. Reload and try again."),
        code="conflict",
    )


def membership_add(
    *, group: WorkingGroup, actor: User, user: User, role: str, side: str | None = None
) -> Membership:
    """Add ``user`` to ``group`` with ``role`` for ``side`` (default: the user's own side)."""
    side = side or user.side
    _check_choices(role=role, side=side)
    with transaction.atomic():
        group = _lock_group(group.pk)
        _check_actor(group=group, actor=actor)
        if not user.is_active:
            raise ValidationError(
                _("%(email)s is deactivated and cannot join a group."),
                code="inactive_user",
                params={"email": user.email},
            )
        existing = _membership_of(group=group, user=user)
        if existing is not None:
            raise ValidationError(
                _("%(name)s is already in this group (%(role)s, %(side)s)."),
                code="already_member",
                params={
                    "name": user.get_short_name(),
                    "role": existing.get_role_display(),
                    "side": existing.get_side_display(),
                },
            )
        _check_users_side(user=user, side=side)
        _check_cochair_seat(group=group, role=role, side=side)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(group=group, user=user, role=role, side=side)
        except IntegrityError:
            raise _explain_integrity_error(
                group=group, user_id=user.pk, role=role, side=side, exclude_pk=None
            ) from None
        _record(
            actor=actor,
            group=group,
            membership=membership,
            membership_pk=membership.pk,
            action="added",
        )
        send_member_joined(membership)
        return membership


def membership_change(
    *,
    membership_id: int,
    actor: User,
    role: str,
    side: str,
    group: WorkingGroup | None = None,
) -> Membership:
    """Change a member's role and side. With ``group``, the membership must belong to it."""
    _check_choices(role=role, side=side)
    with transaction.atomic():
        group_id = group.pk if group is not None else _group_id_of(membership_id)
        locked = _lock_group(group_id)
        _check_actor(group=locked, actor=actor)
        membership = (
            Membership.objects.select_related("user").filter(pk=membership_id, group=locked).first()
        )
        if membership is None:
            raise _gone()
        if membership.role == role and membership.side == side:
            return membership
        _check_cochair_change(
            membership=membership,
            actor=actor,
            leaving=role != Role.CO_CHAIR,
        )
        _check_users_side(user=membership.user, side=side)
        _check_cochair_seat(group=locked, role=role, side=side, exclude_pk=membership.pk)
        before = (membership.role, membership.side)
        membership.role, membership.side = role, side
        try:
            with transaction.atomic():
                membership.save(update_fields=["role", "side"])
        except IntegrityError:
            raise _explain_integrity_error(
                group=locked,
                user_id=membership.user_id,
                role=role,
                side=side,
                exclude_pk=membership.pk,
            ) from None
        _record(
            actor=actor,
            group=locked,
            membership=membership,
            membership_pk=membership.pk,
            action="changed",
            before=before,
        )
        return membership


def membership_remove(
    *, membership_id: int, actor: User, group: WorkingGroup | None = None
) -> Membership:
    """Remove a member from the group; returns the removed (unsaved) membership."""
    with transaction.atomic():
        group_id = group.pk if group is not None else _group_id_of(membership_id)
        locked = _lock_group(group_id)
        _check_actor(group=locked, actor=actor)
        membership = (
            Membership.objects.select_related("user").filter(pk=membership_id, group=locked).first()
        )
        if membership is None:
            raise _gone()
        _check_cochair_change(membership=membership, actor=actor, leaving=True)
        removed_pk = membership.pk
        membership.delete()
        _record(
            actor=actor,
            group=locked,
            membership=membership,
            membership_pk=removed_pk,
            action="removed",
        )
        return membership


def _record(
    *,
    actor: User,
    group: WorkingGroup,
    membership: Membership,
    membership_pk: int,
    action: str,
    before: tuple[str, str] | None = None,
) -> None:
    """The audit record of a membership change (role and side, and what they were)."""
    email = membership.user.email
    detail = {
        "action": action,
        "group": group.slug,
        "user": email,
        "role": membership.role,
        "side": membership.side,
    }
    if before is not None:
        detail["before"] = {"role": before[0], "side": before[1]}
    audit_record(
        kind=AuditKind.ROLE_CHANGED,
        actor=actor,
        target=f"membership:{membership_pk} {email} @ {group.slug}",
        detail=detail,
    )


def _group_id_of(membership_id: int) -> int:
    group_id = (
        Membership.objects.filter(pk=membership_id).values_list("group_id", flat=True).first()
    )
    if group_id is None:
        raise _gone()
    return group_id
