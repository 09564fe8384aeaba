"""Transport's tasks: thin wrappers over the services, safe to run twice. Periodic ones run from Celery beat;
`signing_offer_send` is started by portal/flows.py when an application is signed."""

from celery import shared_task

from transport import services, signing_offers


@shared_task(name="transport.offers_expire")
def offers_expire():
    return services.offers_expire()


@shared_task(name="transport.reminders_send")
def reminders_send():
    return services.trip_reminders_send()


@shared_task(name="transport.signing_offer_send")
def signing_offer_send(application_id):
    return len(signing_offers.signing_offer_send(application_id=application_id))
