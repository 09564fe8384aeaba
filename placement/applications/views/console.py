"""The staff pipeline (/console/applications/): per posting and per employer, one click per move, and
recommending a worker to a posting by phone number or name."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.accounts.permissions import console_required
from core.confirmation import confirmation_asked
from core.errors import ApplicationError
from placement.applications import selectors, services
from placement.applications.forms import MoveForm, RecommendForm
from placement.applications.models import CLOSED_STATES, ApplicationState
from placement.applications.selectors import headcount_tallies
from workers.selectors import worker_phone_as_seen_by


def _next_url(request, default):
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse(default)


def _back(request, default):
    return redirect(_next_url(request, default))


def _state_message(application):
    return _("%(name)s：%(state)s。") % {"name": application.worker.full_name, "state": application.get_state_display()}


# What each move's button says: the thing the clerk does, not the state it leads to (a button "已签约" reads as a
# status). Moves into a closed state end the application and ask first.
_MOVE_LABELS = {
    ApplicationState.RECOMMENDED: gettext_lazy("推荐"),
    ApplicationState.INTENTION: gettext_lazy("达成意向"),
    ApplicationState.SIGNED: gettext_lazy("签约"),
    ApplicationState.ONBOARDED: gettext_lazy("确认上岗"),
    ApplicationState.DECLINED: gettext_lazy("未录用"),
    ApplicationState.WITHDRAWN: gettext_lazy("代本人撤回"),
}


@dataclass(frozen=True)
class Move:
    state: str
    label: str
    ends: bool


def _with_next_states(applications, *, viewer):
    """Each application with `next_move` (the pipeline's next step, one button), `other_moves` (a menu) and the
    worker's `phone` as the viewer may see it (whole, and so `callable`, only for those who call the worker)."""
    applications = list(applications)
    for application in applications:
        application.phone = worker_phone_as_seen_by(viewer=viewer, worker=application.worker)
        application.phone_callable = application.phone == application.worker.user.phone
        moves = [
            Move(state, _MOVE_LABELS[state], state in CLOSED_STATES)
            for state in services.next_states(application, side=services.STAFF)
        ]
        forward = [move for move in moves if not move.ends]
        application.next_move = forward[0] if forward else None
        application.other_moves = [move for move in moves if move is not application.next_move]
    return applications


def _ask_before_ending(request, application_id, state):
    """The confirmation page before a move that ends an application (未录用, withdrawal), or None to go ahead."""
    if state not in CLOSED_STATES or not services.staff_may_move(request.user):
        return None
    application = selectors.staff_application(user=request.user, application_id=application_id)
    if application is None:
        raise Http404
    return confirmation_asked(
        request,
        consequence=_("%(name)s 报名的“%(posting)s”将标为“%(state)s”，这条报名随之结束，不再推进。")
        % {
            "name": application.worker.full_name,
            "posting": application.posting.title,
            "state": ApplicationState(state).label,
        },
        confirm_label=_MOVE_LABELS[state],
        cancel_url=_next_url(request, "applications_console:pipeline"),
    )


@console_required
@require_safe
def pipeline(request):
    state = request.GET.get("state") if request.GET.get("state") in ApplicationState.values else ""
    page = Paginator(selectors.staff_applications(user=request.user, state=state), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "applications": _with_next_states(page.object_list, viewer=request.user),
        "states": ApplicationState.choices,
        "state": state,
        "query": f"state={state}" if state else "",
        "may_move": services.staff_may_move(request.user),
    }
    return render(request, "applications/console/pipeline.html", context)


@console_required
@require_safe
def posting_pipeline(request, posting_id):
    found = selectors.posting_pipeline(user=request.user, posting_id=posting_id)
    if found is None:
        raise Http404
    posting, applications = found
    query = request.GET.get("q", "").strip()
    context = {
        "posting": posting,
        "tally": headcount_tallies([posting.id])[posting.id],
        "applications": _with_next_states(applications, viewer=request.user),
        "q": query,
        "candidates": selectors.workers_to_recommend(user=request.user, query=query),
        "may_move": services.staff_may_move(request.user),
    }
    return render(request, "applications/console/posting.html", context)


@console_required
@require_safe
def employer_pipeline(request, employer_id):
    found = selectors.employer_pipeline(user=request.user, employer_id=employer_id)
    if found is None:
        raise Http404
    postings, applications = found
    tallies = headcount_tallies([posting.id for posting in postings])
    context = {
        "employer": postings[0].employer,
        "postings": [(posting, tallies[posting.id]) for posting in postings],
        "applications": _with_next_states(applications, viewer=request.user),
        "may_move": services.staff_may_move(request.user),
    }
    return render(request, "applications/console/employer.html", context)


@console_required
@require_POST
def move(request, application_id):
    if selectors.staff_application(user=request.user, application_id=application_id) is None:
        raise Http404
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未知的报名状态。"))
        return _back(request, "applications_console:pipeline")
    asked = _ask_before_ending(request, application_id, form.cleaned_data["state"])
    if asked:
        return asked
    try:
        application = services.application_move(
            actor=request.user,
            application_id=application_id,
            to_state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _state_message(application))
    return _back(request, "applications_console:pipeline")


@console_required
@require_POST
def recommend(request):
    """POST posting, worker (ids) and next: used by this app's posting page and by the matching candidates page."""
    form = RecommendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择务工人员和岗位。"))
        return _back(request, "applications_console:pipeline")
    worker = selectors.worker_for_staff(user=request.user, worker_id=form.cleaned_data["worker"])
    if worker is None:
        messages.error(request, _("找不到这位务工人员。"))
        return _back(request, "applications_console:pipeline")
    try:
        application, _created = services.application_recommend(
            actor=request.user, worker=worker, posting_id=form.cleaned_data["posting"], note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _state_message(application))
    return _back(request, "applications_console:pipeline")
