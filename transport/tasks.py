"""Periodic tasks (Celery beat): thin wrappers over the services, safe to run twice."""

from celery import shared_task

from transport import services


@shared_task(name="transport.offers_expire")
def offers_expire():
    return services.offers_expire()


@shared_task(name="transport.reminders_send")
def reminders_send():
    return services.trip_reminders_send()
