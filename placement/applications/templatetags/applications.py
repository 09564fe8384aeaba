"""`{% own_application posting as application %}`: the signed-in worker's application to this posting, if any.

A tag rather than a context variable so that the posting page (owned by the job supermarket) needs only one
include to show the apply button, without its view knowing about applications.
"""

from django import template

from placement.applications.selectors import worker_application_for_posting
from workers.selectors import own_worker

register = template.Library()


@register.simple_tag(takes_context=True)
def own_application(context, posting):
    request = context.get("request")
    worker = own_worker(request.user) if request is not None else None
    return worker_application_for_posting(worker=worker, posting_id=posting.pk)
