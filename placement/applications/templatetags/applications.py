"""`{% own_application posting as application %}`: the signed-in worker's application to this posting, if any.

A tag rather than a context variable so that the posting page (owned by the job supermarket) needs only one
include to show the apply button, without its view knowing about applications.
"""

from django import template

from placement.applications.selectors import worker_application_for_posting
from workers.models import Worker

register = template.Library()


@register.simple_tag(takes_context=True)
def own_application(context, posting):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    worker = Worker.objects.filter(user=user, anonymised_at__isnull=True).first()
    return worker_application_for_posting(worker=worker, posting_id=posting.pk)
