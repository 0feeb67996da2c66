"""What the meetings app hears from the floor below (connected in ``MeetingsConfig.ready``).

Receivers only translate a signal into a service call; the rules live in ``services``.
"""

from django.dispatch import receiver

from apps.charter.signals import member_joined
from apps.meetings import services


@receiver(member_joined, dispatch_uid="meetings_invite_new_member")
def invite_new_member(sender, membership, **kwargs) -> None:
    services.attendance_invite_new_member(membership=membership)
