"""Every flow from a lower floor to a higher one, wired here at the top and nowhere else, once, from
PortalConfig.ready(). Three kinds:

- Events. A lower app announces what happened with a signal, after its transaction commits and with ids only; this
  module says what the higher apps do about it, each as a task keyed by the object's id (so it runs in a worker,
  retried on its own, and never inside the transaction that announced it).
  placement: an application is signed -> transport offers the worker the open trips towards the employer.
- Panels. A lower app's page asks the floors above for a panel of what they know; the answer is rendered HTML, there
  and then (nothing to retry).
  workers: a worker's record (staff) and the worker's own page (/me/) -> statistics shows the person's path from a
  pushed job to still being employed after 90 days, each step with its date.
- Choices a lower app asks a higher one for, through a registry of its own that it reads at run time.
  core.notifications: a broadcast's recipients chosen by the worker registry's fields -> the status and key group
  filters of workers/recipient_filters.py, which also become fields of the broadcast form.
"""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.notifications.recipient_filters import register_recipient_filter
from placement.applications.signals import application_signed
from portal.statistics.views import worker_home_path, worker_record_path
from transport.tasks import signing_offer_send
from workers.models import KeyGroup, Worker, WorkerStatus
from workers.recipient_filters import workers_in_key_group, workers_with_status
from workers.signals import worker_home_panels, worker_record_panels


@receiver(application_signed, dispatch_uid="portal.flows.offer_trips_after_signing")
def offer_trips_after_signing(sender: object, *, application_id: int, **kwargs: object) -> None:
    signing_offer_send.delay(application_id)


@receiver(worker_record_panels, dispatch_uid="portal.flows.worker_path_on_the_record")
def worker_path_on_the_record(sender: object, *, worker: Worker, viewer: User, **kwargs: object) -> str:
    return worker_record_path(worker=worker)


@receiver(worker_home_panels, dispatch_uid="portal.flows.worker_path_on_their_own_page")
def worker_path_on_their_own_page(sender: object, *, worker: Worker, **kwargs: object) -> str:
    return worker_home_path(worker=worker)


# Offered on the broadcast form in this order, after core's own (region, role).
register_recipient_filter("worker_status", label=_("就业状态"), choices=WorkerStatus.choices)(workers_with_status)
register_recipient_filter("key_group", label=_("重点群体"), choices=KeyGroup.choices)(workers_in_key_group)
