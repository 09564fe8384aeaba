"""Transport's tasks: thin wrappers over the services, safe to run twice. Periodic ones run from Celery beat;
`signing_offer_send` is started by portal/flows.py when an application is signed."""

from celery import shared_task

from transport import services, signing_offers


@shared_task
def offers_expire():
    return services.offers_expire()


@shared_task
def trip_reminders_send():
    return services.trip_reminders_send()


@shared_task
def signing_offer_send(application_id):
    return len(signing_offers.signing_offer_send(application_id=application_id))
