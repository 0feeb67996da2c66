"""Signals the charter app sends, so the floors above can follow its changes without the
charter importing them.

``member_joined`` — someone became a member of a working group. Sent inside the transaction
that created the membership (so a receiver's writes commit or roll back with it) with
``membership``: the new ``Membership``, its ``user`` and ``group`` loaded. Sent by
``services.membership_add`` and by the admin when it adds a membership.
"""

from django.dispatch import Signal

member_joined = Signal()


def send_member_joined(membership) -> None:
    member_joined.send(sender=type(membership), membership=membership)
