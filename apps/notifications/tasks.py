"""Thin Celery tasks: each calls a service with the current time."""

from celery import shared_task
from django.utils import timezone

from apps.notifications import services


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def deliver_emails() -> int:
    return services.emails_deliver(now=timezone.now()).sent


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def cleanup_email_log() -> int:
    return services.email_log_cleanup(now=timezone.now())
