"""举报: the report form's target under a posting (/jobs/<id>/report/) and the owning county's queue of reported
postings in the console (/console/jobs/reports/). Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.errors import ApplicationError
from jobs import selectors, services
from jobs.models import ReportReason


@require_POST
def posting_report(request, posting_id):
    """Only a signed-in person reports, so that "three different people" counts people, not taps."""
    posting_page = reverse("jobs:posting-detail", args=[posting_id])
    if not request.user.is_authenticated:
        return redirect_to_login(f"{posting_page}#report", login_url=reverse("accounts:phone"))
    posting = selectors.posting_once_published(posting_id=posting_id)
    try:
        services.posting_report(
            posting=posting,
            reporter=request.user,
            reason=request.POST.get("reason", ""),
            details=request.POST.get("details", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已收到您的举报，县人社局工作人员会尽快核实。"))
    return redirect(posting_page)


@console_required
@require_safe
def report_queue(request):
    postings = list(selectors.console_reported_postings(user=request.user))
    return render(
        request,
        "jobs/console/report_queue.html",
        {"postings": postings, "may_edit": services.user_may_edit_demand(request.user)},
    )


@console_required
@require_http_methods(["GET", "POST"])
def report_review(request, posting_id):
    posting = selectors.console_reported_posting(user=request.user, posting_id=posting_id)
    if request.method == "POST":
        close = request.POST.get("decision") == "close"
        try:
            services.posting_reports_review(posting=posting, actor=request.user, close=close)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已下架这个岗位。") if close else _("举报已处理，岗位继续展示。"))
            return redirect("jobs_console:reports")
    return render(
        request,
        "jobs/console/report_review.html",
        {
            "posting": posting,
            "reasons": ReportReason,
            "may_edit": services.user_may_edit_demand(request.user),
        },
    )
