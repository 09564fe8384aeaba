import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.errors import ApplicationError
from core.heartbeat import worker_is_running
from core.notifications import selectors, services
from core.notifications.catalog import sms_length, sms_segments
from core.notifications.forms import BroadcastForm, broadcast_templates
from core.notifications.models import NotificationPreference
from core.notifications.publishing import BROADCAST_FAN_OUT, queue_of
from core.notifications.selectors import Stage


@console_required
@require_safe
def broadcast_history(request):
    page = Paginator(selectors.broadcast_list(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/console/history.html", {"page": page})


@console_required
@require_http_methods(["GET", "POST"])
def broadcast_new(request):
    key = request.POST.get("template") or request.GET.get("template")
    offered = {template.key: template for template in broadcast_templates()}
    message_template = offered.get(key) if key else next(iter(offered.values()))
    if message_template is None:
        raise Http404
    form = BroadcastForm(request.POST or None, actor=request.user, message_template=message_template)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = form.broadcast_arguments()
        try:
            if request.POST.get("action") == "send":
                broadcast, created = services.broadcast_create(
                    actor=request.user,
                    channels=form.cleaned_data["channels"],
                    confirmation_token=request.POST.get("confirmation", ""),
                    **arguments,
                )
                if created:
                    messages.success(request, _("群发已开始，共 %(count)s 人。") % {"count": broadcast.recipient_count})
                else:
                    messages.info(request, _("这次群发已经确认过，没有再发一遍。下面是它的进度。"))
                return redirect("console:notifications:detail", broadcast_id=broadcast.pk)
            preview = services.broadcast_preview(actor=request.user, **arguments)
            preview.update(
                length=sms_length(preview["text"]),
                segments=sms_segments(preview["text"]),
                # The one-time token of this confirmation: a second submit of it finds the first broadcast.
                confirmation=uuid.uuid4(),
            )
        except ApplicationError as error:
            error.show_on(form)
    return render(
        request,
        "notifications/console/new.html",
        {
            "form": form,
            "preview": preview,
            "templates": broadcast_templates(),
            "chosen": message_template,
            "sign_name": settings.ALIYUN_SMS_SIGN_NAME,
        },
    )


@console_required
@require_safe
def broadcast_detail(request, broadcast_id):
    broadcast = selectors.broadcast_get(actor=request.user, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    progress = selectors.broadcast_progress(broadcast=broadcast)
    return render(
        request,
        "notifications/console/detail.html",
        {
            "broadcast": broadcast,
            "progress": progress,
            # Still to be written or sent, and no worker serves the queue that would do it (the fan-out's, which is
            # its sends' too: a broadcast is a push) the page says so rather than stand still (core/heartbeat.py).
            # Held for the quiet hours, it needs none until the morning.
            "no_worker": progress["stage"] in (Stage.PREPARING, Stage.SENDING)
            and not worker_is_running(queue=queue_of(BROADCAST_FAN_OUT)),
            "failure_reasons": selectors.broadcast_failure_reasons(broadcast=broadcast),
            "undelivered": selectors.broadcast_undelivered(broadcast=broadcast),
            "segments": sms_segments(broadcast.text),
        },
    )


@console_required
@require_POST
def broadcast_resend_failed(request, broadcast_id):
    broadcast = selectors.broadcast_get(actor=request.user, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    count = services.broadcast_resend_failed(broadcast=broadcast)
    if count:
        messages.success(request, _("已重新发送 %(count)s 条失败的短信。") % {"count": count})
    else:
        messages.info(request, _("没有可以重新发送的失败短信。"))
    return redirect("console:notifications:detail", broadcast_id=broadcast.pk)


@never_cache
@console_required
@require_safe
def broadcast_progress(request, broadcast_id):
    broadcast = selectors.broadcast_get(actor=request.user, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    return JsonResponse(selectors.broadcast_progress(broadcast=broadcast))


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    if request.method == "POST":
        if request.POST.get("action") == "read":
            services.inbox_mark_read(user=request.user)
        elif request.POST.get("action") == "sms":
            enabled = request.POST.get("sms_enabled") == "on"
            services.notification_preference_set(user=request.user, sms_enabled=enabled)
            messages.success(request, _("已开启短信通知。") if enabled else _("已关闭短信通知，站内信照常接收。"))
        return redirect("notifications:inbox")
    preference = NotificationPreference.objects.filter(user=request.user).first()
    page = Paginator(selectors.inbox_messages(user=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "sms_enabled": preference is None or preference.sms_enabled},
    )


@csrf_exempt
@require_POST
def sms_receipts(request, token):
    """The provider's push of delivery receipts (阿里云 SmsReport by HTTP batch push, 腾讯云's status callback): a JSON
    list of reports. The URL's secret token is the only credential the push carries; without the setting the address
    does not exist. The answer carries each provider's own success fields (code / msg, result / errmsg)."""
    expected = settings.NOTIFICATIONS_SMS_RECEIPT_TOKEN
    if not expected or not constant_time_compare(token, expected):
        raise Http404
    try:
        reports = json.loads(request.body)
        recorded = services.receipts_record(reports=reports)
    except (ValueError, TypeError, AttributeError, KeyError):
        return JsonResponse({"code": 1, "msg": "bad report", "result": 1, "errmsg": "bad report"}, status=400)
    return JsonResponse({"code": 0, "msg": "成功", "result": 0, "errmsg": "OK", "recorded": recorded})
