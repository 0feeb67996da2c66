"""Thin Celery tasks: each calls a service with the current time.

The two claiming jobs are idempotent (a claim is a row with a unique key), so they
acknowledge late: a worker that dies mid-run leaves the task to be run again. Delivery
runs every minute and takes each row with a conditional update, so it needs no redelivery.
"""

from celery import shared_task
from django.utils import timezone

from apps.notifications import services


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True, acks_late=True)
def send_deadline_reminders() -> int:
    return services.reminders_claim(now=timezone.now()).claimed


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True, acks_late=True)
def send_digests() -> int:
    return services.digests_claim(now=timezone.now()).claimed


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def deliver_emails() -> int:
    return services.emails_deliver(now=timezone.now()).sent


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def cleanup_email_log() -> int:
    return services.email_log_cleanup(now=timezone.now())
