"""Every flow from a lower floor to a higher one, wired here at the top and nowhere else.

A lower app announces what happened with a signal, after its transaction commits and with ids only; this module
says what the higher apps do about it, each as a task keyed by the object's id (so it runs in a worker, retried on
its own, and never inside the transaction that announced it). Connected once, from PortalConfig.ready().

- placement: an application is signed -> transport offers the worker the open trips towards the employer.

A lower app's page may also ask the floors above for a panel of what they know; the answer is rendered HTML, there
and then (nothing to retry), and said here too:

- workers: a worker's record (staff) and the worker's own page (/me/) -> statistics shows the person's path from a
  pushed job to still being employed after 90 days, each step with its date.
"""

from django.dispatch import receiver

from placement.applications.signals import application_signed
from portal.statistics.views import worker_home_path, worker_record_path
from transport.tasks import signing_offer_send
from workers.signals import worker_home_panels, worker_record_panels


@receiver(application_signed, dispatch_uid="portal.flows.offer_trips_after_signing")
def offer_trips_after_signing(sender, *, application_id, **kwargs):
    signing_offer_send.delay(application_id)


@receiver(worker_record_panels, dispatch_uid="portal.flows.worker_path_on_the_record")
def worker_path_on_the_record(sender, *, worker, viewer, **kwargs):
    return worker_record_path(worker=worker)


@receiver(worker_home_panels, dispatch_uid="portal.flows.worker_path_on_their_own_page")
def worker_path_on_their_own_page(sender, *, worker, **kwargs):
    return worker_home_path(worker=worker)
