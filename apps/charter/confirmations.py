"""What the group page asks before a change to its members that cannot simply be undone
(``apps.core.confirm``): removing a member, and making someone co-chair or ending a co-chair's
role. Built here once, read by the members section (its dialogs) and by the views (which ask
again, without JavaScript, before acting)."""

from django.utils.translation import gettext as _

from apps.accounts.models import Side, User
from apps.charter.models import Membership, Role
from apps.core.confirm import Confirmation


def _vacancy(membership: Membership) -> str:
    return _("The co-chair seat for %(side)s will be empty until a new co-chair is appointed.") % {
        "side": Side(membership.side).label
    }


def membership_removal_confirmation(
    *, membership: Membership, actor: User, back_url: str
) -> Confirmation:
    """Removing ``membership`` (its user and group loaded): who loses what."""
    name = membership.user.get_short_name()
    if membership.group.restricted:
        access = _("%(name)s will lose access to the group's milestones, meetings and reports.")
    else:
        access = _(
            "%(name)s will no longer be a member: they will only read the group's milestones, "
            "meetings and reports, like any signed-in user."
        )
    consequences = [access % {"name": name}]
    if membership.role == Role.CO_CHAIR:
        consequences.append(_vacancy(membership))
    if membership.user_id == actor.pk:
        consequences.append(_("You will no longer manage this group's members."))
    return Confirmation(
        key=f"remove-{membership.pk}",
        heading=_("Remove %(name)s from the group?") % {"name": name},
        consequences=tuple(consequences),
        button=_("Remove"),
        back_url=back_url,
    )


def membership_role_confirmation(
    *, membership: Membership, actor: User, role: str, side: str, back_url: str
) -> Confirmation | None:
    """Changing ``membership`` to ``role`` for ``side``: asked only when the change makes or
    ends a co-chair (None otherwise)."""
    name = membership.user.get_short_name()
    if membership.role != Role.CO_CHAIR and role == Role.CO_CHAIR:
        side_label = Side(side).label if side in Side.values else side
        return Confirmation(
            key=f"role-{membership.pk}",
            heading=_("Make %(name)s co-chair for %(side)s?") % {"name": name, "side": side_label},
            consequences=(
                _(
                    "%(name)s will manage the group's members, meetings and milestones, and sign "
                    "off milestones and adopt minutes for %(side)s."
                )
                % {"name": name, "side": side_label},
            ),
            button=_("Make co-chair"),
            back_url=back_url,
            warning=False,
        )
    if membership.role == Role.CO_CHAIR and role != Role.CO_CHAIR:
        consequences = [_vacancy(membership)]
        if membership.user_id == actor.pk:
            consequences.append(_("You will no longer manage this group's members."))
        return Confirmation(
            key=f"role-{membership.pk}",
            heading=_("End %(name)s's role as co-chair?") % {"name": name},
            consequences=tuple(consequences),
            button=_("Change role"),
            back_url=back_url,
        )
    return None
