"""Thin Celery task: the daily retention job."""

from celery import shared_task
from django.utils import timezone

from apps.audit import services


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def prune_audit_log() -> int:
    return services.audit_prune(now=timezone.now())
