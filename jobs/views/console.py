"""The demand console (/console/jobs/): employers, postings, cooperation agreements, and the demand spreadsheets
(the template, the upload and its progress, the lists as Excel files). Every console user reads what their region
covers; county HR staff and system admins change it (the services decide, the pages only hide the buttons).
The pages that show placement's headcount ledgers or transport's trips are assembled on those floors
(placement/applications/views/console.py, transport/views/console.py). Thin: parse, call one service or
selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.confirmation import confirmation_asked
from core.errors import ApplicationError
from core.exports.views import export_start
from core.heartbeat import worker_is_running
from core.imports import ImportStatus
from core.paging import page_of, query_without_page
from core.regions.models import RegionLevel
from core.typed_input import parse_object_id
from jobs import exports, selectors, services
from jobs.forms import (
    AgreementForm,
    BulkAction,
    EmployerContactFormSet,
    EmployerForm,
    EmployerSearchForm,
    PostingBulkForm,
    PostingExtendForm,
    PostingFilterForm,
    PostingForm,
    employer_contact_initial,
    posting_initial,
)
from jobs.imports.columns import demand_template_workbook
from jobs.imports.forms import DemandImportForm
from jobs.imports.selectors import demand_imports_for
from jobs.imports.services import demand_import_create
from jobs.tasks import demand_import_run_task

# How many refusals a bulk action lists by name; the rest are counted.
BULK_REFUSALS_SHOWN = 10


def _editor_required(request):
    if not services.user_may_edit_demand(request.user):
        raise PermissionDenied


def _users_county(user):
    return user.region if user.region is not None and user.region.level == RegionLevel.COUNTY else None


# --- Employers ---------------------------------------------------------------------------------------------------


@console_required
@require_safe
def employer_list(request):
    form = EmployerSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "form": form,
        "page": page_of(request, selectors.console_employers(user=request.user, q=q)),
        "query": query_without_page(request.GET),
        "search_query": request.GET.urlencode(),
        "may_edit": services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/employer_list.html", context)


def _contacts(formset):
    return [row for row in formset.cleaned_data if row and not row.get("DELETE")]


@console_required
@require_http_methods(["GET", "POST"])
def employer_edit(request, employer_id=None):
    _editor_required(request)
    employer = selectors.console_employer(user=request.user, employer_id=employer_id) if employer_id else None
    county = employer.county if employer else _users_county(request.user)
    if county is None:
        # A system admin enters employers through a county's staff, or the Django admin: a bureau owns each one.
        messages.error(request, _("用工单位由县人社局录入，请使用县级工作人员账号。"))
        return redirect("jobs_console:employers")
    form = EmployerForm(request.POST or None, instance=employer, county=county)
    contacts = EmployerContactFormSet(
        request.POST or None, initial=employer_contact_initial(employer), prefix="contact"
    )
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            if employer:
                employer = services.employer_update(
                    employer=employer, actor=request.user, contacts=_contacts(contacts), **form.employer_arguments()
                )
            else:
                employer = services.employer_create(
                    actor=request.user, county=county, contacts=_contacts(contacts), **form.employer_arguments()
                )
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("jobs_console:employer", employer_id=employer.pk)
    return render(
        request,
        "jobs/console/employer_form.html",
        {"form": form, "contacts": contacts, "employer": employer},
        status=400 if request.method == "POST" else 200,
    )


# --- Postings ----------------------------------------------------------------------------------------------------


@console_required
@require_http_methods(["GET", "POST"])
def posting_new(request):
    _editor_required(request)
    initial = {}
    copied, employer_id = parse_object_id(request.GET.get("copy")), parse_object_id(request.GET.get("employer"))
    if copied is not None:
        source = selectors.console_posting(user=request.user, posting_id=copied)
        initial = posting_initial(source, as_copy=True)
    elif employer_id is not None:
        initial = {"employer": employer_id}
    form = PostingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        employer = form.cleaned_data["employer"]
        try:
            posting = services.posting_create(
                employer=employer,
                created_by=request.user,
                county=_users_county(request.user) or employer.county,
                **form.posting_arguments(),
            )
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存为草稿，核对无误后请发布。"))
            return redirect("jobs_console:posting", posting_id=posting.pk)
    return render(
        request,
        "jobs/console/posting_form.html",
        {"form": form, "copied": bool(initial.get("title"))},
        status=400 if request.method == "POST" else 200,
    )


@console_required
@require_http_methods(["GET", "POST"])
def posting_edit(request, posting_id):
    _editor_required(request)
    posting = selectors.console_posting(user=request.user, posting_id=posting_id)
    form = PostingForm(
        request.POST or None, user=request.user, posting=posting, initial=posting_initial(posting, as_copy=False)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.posting_update(posting=posting, actor=request.user, **form.posting_arguments())
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("jobs_console:posting", posting_id=posting.pk)
    return render(
        request,
        "jobs/console/posting_form.html",
        {"form": form, "posting": posting},
        status=400 if request.method == "POST" else 200,
    )


_POSTING_ACTIONS = {
    "publish": (services.posting_publish, _("已发布，务工人员现在可以在就业超市看到这个岗位。")),
    "close": (services.posting_close, _("已关闭。")),
    "filled": (services.posting_mark_filled, _("已标记为已招满。")),
}


@console_required
@require_POST
def posting_action(request, posting_id, action):
    posting = selectors.console_posting(user=request.user, posting_id=posting_id)
    # Readers are not asked to confirm what the service will refuse them anyway.
    if action == "close" and services.user_may_edit_demand(request.user):
        asked = confirmation_asked(
            request,
            consequence=_("“%(title)s”将从就业超市下架，务工人员不能再报名。") % {"title": posting.title},
            confirm_label=_("关闭岗位"),
            cancel_url=reverse("jobs_console:posting", args=[posting.pk]),
        )
        if asked:
            return asked
    try:
        if action == "extend":
            form = PostingExtendForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(_("延期天数应在1到365天之间。"), field="days")
            services.posting_extend(posting=posting, actor=request.user, days=form.cleaned_data["days"])
            done = _("已延期至新的有效期。")
        elif action in _POSTING_ACTIONS:
            service, done = _POSTING_ACTIONS[action]
            service(posting=posting, actor=request.user)
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("jobs_console:posting", posting_id=posting.pk)


_BULK_SERVICES = {
    BulkAction.PUBLISH: services.postings_bulk_publish,
    BulkAction.CLOSE: services.postings_bulk_close,
    BulkAction.EXTEND: services.postings_bulk_extend,
}


@console_required
@require_POST
def posting_bulk(request):
    """A bulk action on the ticked postings, or on every posting of the list's current filter (in the query)."""
    back = f"{reverse('jobs_console:postings')}?{request.GET.urlencode()}"
    form = PostingBulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    postings = selectors.console_postings(user=request.user, filters=PostingFilterForm(request.GET).filters())
    if not data["everything"]:
        postings = postings.filter(pk__in=data["posting"])
    if data["action"] == BulkAction.CLOSE:
        asked = confirmation_asked(
            request,
            consequence=_("将关闭 %(count)d 个岗位：它们从就业超市下架，务工人员不能再报名。")
            % {"count": postings.count()},
            confirm_label=_("关闭这些岗位"),
            cancel_url=back,
        )
        if asked:
            return asked
    arguments = {"days": data["days"]} if data["action"] == BulkAction.EXTEND else {}
    try:
        outcome = _BULK_SERVICES[data["action"]](actor=request.user, postings=postings, **arguments)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, _("已处理 %(count)d 个岗位。") % {"count": outcome.changed})
    if outcome.refused:
        shown = "；".join(f"{posting.title}（{message}）" for posting, message in outcome.refused[:BULK_REFUSALS_SHOWN])
        more = len(outcome.refused) - BULK_REFUSALS_SHOWN
        text = _("%(count)d 个岗位未处理：%(list)s") % {"count": len(outcome.refused), "list": shown}
        if more > 0:
            text += _("，另有 %(more)d 个。") % {"more": more}
        messages.warning(request, text)
    return redirect(back)


# --- Cooperation agreements ---------------------------------------------------------------------------------------


@console_required
@require_safe
def agreement_list(request):
    context = {
        "page": page_of(request, selectors.console_agreements(user=request.user)),
        "query": "",
        "may_edit": services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/agreement_list.html", context)


@console_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, agreement_id=None):
    _editor_required(request)
    agreement = selectors.console_agreement(user=request.user, agreement_id=agreement_id) if agreement_id else None
    form = AgreementForm(request.POST or None, user=request.user, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            if agreement:
                agreement = services.agreement_update(
                    agreement=agreement, actor=request.user, **form.agreement_arguments()
                )
            else:
                agreement = services.agreement_create(actor=request.user, **form.agreement_arguments())
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("jobs_console:agreement", agreement_id=agreement.pk)
    return render(
        request,
        "jobs/console/agreement_form.html",
        {"form": form, "agreement": agreement},
        status=400 if request.method == "POST" else 200,
    )


# --- Demand spreadsheets ---------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_IMPORTS = 10


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@console_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    if not services.user_may_edit_demand(request.user):
        raise PermissionDenied
    form = DemandImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            demand_import = demand_import_create(
                uploaded_by=request.user,
                county=form.cleaned_data["county"],
                file_name=upload.name,
                content=upload.read(),
                publish=form.cleaned_data["publish"],
            )
        except ApplicationError as error:
            # The county is a hidden field for county staff: its error goes above the form.
            form.add_error("file" if error.field == "file" else None, error.message)
        else:
            demand_import_run_task.delay_on_commit(demand_import.pk)
            return redirect("jobs_console:import_detail", import_id=demand_import.pk)
    recent = demand_imports_for(request.user).defer("content")[:RECENT_IMPORTS]
    return render(request, "jobs/console/import.html", {"form": form, "recent": recent})


@console_required
@require_safe
def import_template(request):
    return _xlsx(demand_template_workbook(user=request.user), "demand-template.xlsx")


def _progress(demand_import):
    return {
        "status": demand_import.status,
        "percent": demand_import.percent,
        "processed_rows": demand_import.processed_rows,
        "total_rows": demand_import.total_rows,
        "finished": demand_import.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED),
    }


@console_required
@require_safe
def import_detail(request, import_id):
    demand_import = get_object_or_404(demand_imports_for(request.user).defer("content"), pk=import_id)
    context = {
        "demand_import": demand_import,
        "progress": _progress(demand_import),
        "no_worker": demand_import.status == ImportStatus.PENDING and not worker_is_running(queue="imports"),
    }
    return render(request, "jobs/console/import_detail.html", context)


@console_required
@require_safe
def import_progress(request, import_id):
    """Polled by the detail page's script every two seconds while the task runs."""
    demand_import = get_object_or_404(demand_imports_for(request.user).defer("content", "problems"), pk=import_id)
    return JsonResponse(_progress(demand_import))


@console_required
@require_POST
def export_postings(request):
    """The postings list's current filter (its query string, read by the list's own form) as an Excel file: recorded
    here, written by the `imports` worker, downloaded from the export's page that this answers with."""
    return export_start(request, kind=exports.POSTINGS_EXPORT, filter_form=PostingFilterForm(request.GET))


@console_required
@require_POST
def export_employers(request):
    return export_start(request, kind=exports.EMPLOYERS_EXPORT, filter_form=EmployerSearchForm(request.GET))
