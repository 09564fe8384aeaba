"""The job seeker's own pages (/me/): register, see and correct what is held, status, secretary, messages,
download everything, ask for deletion. Signed in by phone and SMS code; job seekers only."""

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import job_seeker_required
from core.client_address import client_address
from core.confirmation import SITE_FRAME, confirmation_asked
from core.errors import ApplicationError, refusal_answered
from workers import selectors, services
from workers.forms import RegistrationForm, StatusForm, WorkerProfileForm
from workers.permissions import registered_required
from workers.personal_data import worker_personal_data
from workers.ratelimits import registration_limit_check
from workers.signals import panels, worker_home_panels


@registered_required
@require_safe
def home(request):
    worker = request.worker
    return render(
        request, "workers/me/home.html", {"worker": worker, "panels": panels(worker_home_panels, worker=worker)}
    )


@job_seeker_required
@require_http_methods(["GET", "POST"])
def register(request):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if selectors.own_worker(request.user) is not None:
        return redirect(next_url or "me:home")
    form = RegistrationForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            registration_limit_check(request)
            services.worker_self_register(
                user=request.user, address=client_address(request), **form.registration_arguments()
            )
        except ApplicationError as error:
            error.show_on(form)
            refusal = error
        else:
            messages.success(request, _("登记成功！就业秘书会尽快联系您。"))
            return redirect(next_url or "me:home")
    context = {"form": form, "title": _("登记求职信息"), "button": _("提交登记")}
    return refusal_answered(render(request, "workers/me/form.html", context), refusal)


@registered_required
@require_http_methods(["GET", "POST"])
def edit(request):
    worker = request.worker
    initial = {field: getattr(worker, field) for field in services.CORRECTABLE_FIELDS}
    initial["home_region"] = worker.home_region_id
    initial["key_groups"] = [group.group for group in worker.key_groups.all()]
    form = WorkerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key_groups = data.pop("key_groups")
        try:
            services.worker_update(worker=worker, actor=request.user, key_groups=key_groups, **data)
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("me:home")
    return render(request, "workers/me/form.html", {"form": form, "title": _("更正我的信息"), "button": _("保存")})


@registered_required
@require_http_methods(["GET", "POST"])
def status(request):
    form = StatusForm(request.POST or None, initial={"status": request.worker.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_status_update(worker=request.worker, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已更新您的状态。"))
            return redirect("me:home")
    return render(request, "workers/me/form.html", {"form": form, "title": _("更新我的状态"), "button": _("保存")})


@registered_required
@require_safe
def data(request):
    """Everything held about the worker (PIPL art. 45), on one page, and as a file to download."""
    held = worker_personal_data(worker=request.worker, viewer=request.user)
    if request.GET.get("format") == "json":
        response = HttpResponse(json.dumps(held, ensure_ascii=False, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    response = render(request, "workers/me/data.html", {"held": held, "worker": request.worker})
    response["Cache-Control"] = "no-store"
    return response


@registered_required
@require_POST
def deletion(request):
    if request.POST.get("withdraw"):
        services.worker_deletion_withdraw(worker=request.worker)
        messages.success(request, _("已撤回删除申请。"))
    else:
        asked = confirmation_asked(
            request,
            consequence=_(
                "%(days)d 天后，您的姓名、身份证号、手机号等信息将被匿名化，之后无法恢复，也不能再用本手机号登录"
                "这个账号。期满前可以撤回。"
            )
            % {"days": settings.WORKER_DELETION_RETENTION_DAYS},
            confirm_label=_("申请删除我的信息"),
            cancel_url=reverse("me:home"),
            frame=SITE_FRAME,
        )
        if asked:
            return asked
        services.worker_deletion_request(worker=request.worker)
        messages.success(request, _("已收到删除申请。保留期满后您的信息将被匿名化，期间可以撤回。"))
    return redirect("me:home")
