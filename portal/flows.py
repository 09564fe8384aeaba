"""Every flow from a lower floor to a higher one, wired here at the top and nowhere else.

A lower app announces what happened with a signal, after its transaction commits and with ids only; this module
says what the higher apps do about it, each as a task keyed by the object's id (so it runs in a worker, retried on
its own, and never inside the transaction that announced it). Connected once, from PortalConfig.ready().

- placement: an application is signed -> transport offers the worker the open trips towards the employer.
"""

from django.dispatch import receiver

from placement.applications.signals import application_signed
from transport.tasks import signing_offer_send


@receiver(application_signed, dispatch_uid="portal.flows.offer_trips_after_signing")
def offer_trips_after_signing(sender: object, *, application_id: int, **kwargs: object) -> None:
    signing_offer_send.delay(application_id)
