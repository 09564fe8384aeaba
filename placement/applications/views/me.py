"""The worker's side: one-tap apply from a posting, "my applications" (/me/applications/), withdraw."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import ApplicationError
from placement.applications import selectors, services
from workers.views.me import registered_required

# The posting a visitor tapped 在线报名 on before signing in: the tap was a POST, so the GET that brings them back
# after sign-in (and registration) may carry it out. A bare GET of the address applies to nothing.
_WANTS_TO_APPLY = "apply_posting_id"


def _posting_page(posting_id, *, at_apply_button=False):
    """The posting; at its apply button, or at the top, where the messages (报名成功, or why not) are."""
    return reverse("jobs:posting-detail", args=[posting_id]) + ("#apply" if at_apply_button else "")


@require_http_methods(["GET", "POST"])
def apply(request, posting_id):
    """POST applies, and is remembered across sign-in and registration for a visitor who is not yet either."""
    if request.method == "POST":
        request.session[_WANTS_TO_APPLY] = posting_id
    return _apply_once_registered(request, posting_id)


@registered_required
def _apply_once_registered(request, posting_id):
    """The remembered tap applies; a GET without one is the posting, with its apply button."""
    if request.session.pop(_WANTS_TO_APPLY, None) != posting_id:
        return redirect(_posting_page(posting_id, at_apply_button=True))
    try:
        _application, created = services.application_apply(worker=request.worker, posting_id=posting_id)
    except ApplicationError as error:
        messages.error(request, error.message)
        # A closed or filled posting's page says so and offers open ones like it; a draft has no page at all.
        if error.code == "not_found":
            return redirect("jobs:posting-list")
        return redirect(_posting_page(posting_id))
    messages.success(request, _("报名成功，请留意电话和消息。") if created else _("您已报名这个岗位。"))
    return redirect(_posting_page(posting_id))


@registered_required
@require_safe
def application_list(request):
    applications = selectors.worker_applications(worker=request.worker)
    return render(request, "applications/me/list.html", {"applications": applications})


@registered_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, application_id):
    """GET asks first (what follows), POST withdraws."""
    if request.method != "POST":
        return _withdraw_question(request, application_id)
    try:
        services.application_withdraw(worker=request.worker, application_id=application_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已撤回报名。"))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("me_applications:list")


def _withdraw_question(request, application_id):
    application = selectors.worker_application(worker=request.worker, application_id=application_id)
    if application is None:
        raise Http404
    return render(
        request,
        "confirm.html",
        {
            "question": _("撤回对“%(title)s”的报名？") % {"title": application.posting.title},
            "consequence": _("撤回后，%(employer)s和人社局不再为您跟进这个岗位；岗位还在招时可以重新报名。")
            % {"employer": application.posting.employer.name},
            "action_url": request.path,
            "confirm_label": _("确认撤回报名"),
            "back_url": reverse("me_applications:list"),
            "back_label": _("不撤回，返回我的报名"),
        },
    )
