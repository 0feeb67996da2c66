"""Thin Celery task: the password-reset email, looked up and sent by the worker.

A temporary SMTP failure (connection, timeout, 4xx) is retried on a bounded backoff; a
permanent one (5xx, refused recipient) is not. Acknowledged early (Celery's default), so a
worker that dies mid-task does not send the link twice.
"""

from smtplib import SMTPConnectError, SMTPResponseException, SMTPServerDisconnected

from celery import shared_task

from apps.accounts import services

TEMPORARY = (SMTPServerDisconnected, SMTPConnectError, ConnectionError, TimeoutError)


def _temporary(error: Exception) -> bool:
    if isinstance(error, TEMPORARY):
        return True
    return isinstance(error, SMTPResponseException) and 400 <= error.smtp_code < 500


@shared_task(bind=True, ignore_result=True, time_limit=60, soft_time_limit=50, max_retries=4)
def send_password_reset_email(self, email: str) -> int:
    try:
        return services.password_reset_email_send(email=email)
    except Exception as error:
        if _temporary(error):
            raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
        raise
