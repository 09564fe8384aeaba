"""The staff console of placement: the applications pipeline (/console/applications/), job fairs and their
on-the-day desk (/console/applications/fairs/), and the demand console's pages that show each posting's headcount
tally (/console/jobs/: the postings list, a posting, an employer), which count applications and so are assembled
here from jobs' selectors; portal/urls.py mounts them among jobs' console routes. Thin: parse, call one service or
selector, render."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.confirmation import confirmation_asked
from core.errors import ApplicationError
from core.paging import CONSOLE_PAGE_SIZE, page_of, query_without_page
from core.privacy.masking import mask_name
from jobs import selectors as jobs_selectors
from jobs import services as jobs_services
from jobs.forms import PostingBulkForm, PostingExtendForm, PostingFilterForm
from placement.applications import selectors, services
from placement.applications.forms import FairCheckInForm, FairForm, MoveForm, RecommendForm
from placement.applications.models import CLOSED_STATES, ApplicationState
from placement.applications.selectors import employer_headcount_tally, headcount_tallies, with_tallies
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


def _staff_fair(request, fair_id):
    fair = selectors.staff_fair(user=request.user, fair_id=fair_id)
    if fair is None:
        raise Http404
    return fair


@console_required
@require_safe
def fair_list(request):
    return render(request, "applications/console/fair_list.html", {"fairs": selectors.staff_fairs(user=request.user)})


@console_required
@require_http_methods(["GET", "POST"])
def fair_edit(request, fair_id=None):
    fair = _staff_fair(request, fair_id) if fair_id else None
    form = FairForm(request.POST or None, instance=fair, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if fair:
                fair = services.fair_update(actor=request.user, fair_id=fair.pk, **form.fair_arguments())
            else:
                fair = services.fair_create(actor=request.user, **form.fair_arguments())
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("applications_console:fair", fair_id=fair.pk)
    return render(
        request,
        "applications/console/fair_form.html",
        {"form": form, "fair": fair},
        status=400 if request.method == "POST" else 200,
    )


def _check_in(request, fair, form):
    """Record what the desk form says; returns the message to show."""
    phone = form.cleaned_data["phone"]
    worker = selectors.fair_worker_by_phone(fair=fair, phone=phone)
    if worker is None:
        message = _("%(county)s没有手机号为 %(phone)s 的登记务工人员，请先登记。")
        raise ApplicationError(message % {"county": fair.county.name, "phone": phone}, field="phone")
    name = mask_name(worker.full_name)
    posting = form.cleaned_data["posting"]
    if posting is None:
        services.fair_attendance_record(actor=request.user, fair=fair, worker=worker)
        return _("%(name)s已登记到场。") % {"name": name}
    application, _created = services.fair_intention_record(
        actor=request.user, fair=fair, worker=worker, posting_id=posting.id
    )
    return _("%(name)s与%(employer)s：%(state)s。") % {
        "name": name,
        "employer": posting.employer.name,
        "state": application.get_state_display(),
    }


@console_required
@require_http_methods(["GET", "POST"])
def fair_detail(request, fair_id):
    """The fair's figures and, on the day, the desk: phone number, posting, one tap."""
    fair = _staff_fair(request, fair_id)
    form = FairCheckInForm(request.POST or None, fair=fair)
    if request.method == "POST" and form.is_valid():
        try:
            messages.success(request, _check_in(request, fair, form))
        except ApplicationError as error:
            error.show_on(form)
        else:
            return redirect("applications_console:fair", fair_id=fair.pk)
    context = {
        "fair": fair,
        "form": form,
        "figures": selectors.fair_figures(fair),
        "recent": selectors.fair_recent_intentions(fair=fair),
    }
    return render(request, "applications/console/fair_detail.html", context, status=400 if form.errors else 200)


# --- The demand console's pages with headcount tallies ---------------------------------------------------------------


@console_required
@require_safe
def employer_detail(request, employer_id):
    employer = jobs_selectors.console_employer(user=request.user, employer_id=employer_id)
    postings = jobs_selectors.console_postings(
        user=request.user, filters=jobs_selectors.ConsolePostingFilters(employer_id=employer.pk)
    )
    context = {
        "employer": employer,
        "postings": with_tallies(list(postings[:CONSOLE_PAGE_SIZE])),
        "more_postings": postings.count() > CONSOLE_PAGE_SIZE,
        "tally": employer_headcount_tally(employer),
        "history": jobs_selectors.history_entries(employer),
        "may_edit": jobs_services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/employer_detail.html", context)


@console_required
@require_safe
def posting_list(request):
    filter_form = PostingFilterForm(request.GET or None)
    postings = jobs_selectors.console_postings(user=request.user, filters=filter_form.filters())
    page = page_of(request, postings)
    page.object_list = with_tallies(list(page.object_list))
    context = {
        "filter_form": filter_form,
        "page": page,
        "bulk_form": PostingBulkForm(),
        "query": query_without_page(request.GET),
        "filter_query": request.GET.urlencode(),
        "may_edit": jobs_services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/posting_list.html", context)


@console_required
@require_safe
def posting_detail(request, posting_id):
    posting = jobs_selectors.console_posting(user=request.user, posting_id=posting_id)
    context = {
        "posting": posting,
        "tally": with_tallies([posting])[0].tally,
        "history": jobs_selectors.history_entries(posting),
        "extend_form": PostingExtendForm(),
        "may_edit": jobs_services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/posting_detail.html", context)
