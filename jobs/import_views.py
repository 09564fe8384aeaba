"""The console's demand spreadsheets (/console/jobs/import/, /console/jobs/export/): the template, the upload and
its progress, and the lists as Excel files. Thin: parse, call one service or selector, render."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.errors import ApplicationError
from core.heartbeat import worker_is_running
from jobs import exports
from jobs.console_forms import EmployerSearchForm, PostingFilterForm
from jobs.imports.columns import demand_template_workbook
from jobs.imports.forms import DemandImportForm
from jobs.imports.selectors import demand_imports_for
from jobs.imports.services import demand_import_create
from jobs.selectors import console_employers, console_postings
from jobs.services import user_may_edit_demand
from jobs.tasks import demand_import_run_task
from workers.models import ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_IMPORTS = 10


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@console_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    if not user_may_edit_demand(request.user):
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


def _filters_description(form):
    if not form.is_valid():
        return {}
    return {name: str(value) for name, value in form.cleaned_data.items() if value not in (None, "", False)}


@console_required
@require_POST
def export_postings(request):
    """The postings list's current filter (its query string, read by the list's own form) as an Excel file."""
    form = PostingFilterForm(request.GET)
    postings = console_postings(user=request.user, filters=form.filters())
    content = exports.postings_export_workbook(
        viewer=request.user, postings=postings, filters_description=_filters_description(form)
    )
    return _xlsx(content, f"postings-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@console_required
@require_POST
def export_employers(request):
    form = EmployerSearchForm(request.GET)
    employers = console_employers(user=request.user, q=form.cleaned_data["q"] if form.is_valid() else "")
    content = exports.employers_export_workbook(
        viewer=request.user, employers=employers, filters_description=_filters_description(form)
    )
    return _xlsx(content, f"employers-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
