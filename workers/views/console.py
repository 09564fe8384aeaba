"""The ledger in the staff console (/console/workers/): list, record pages, assisted registration, import and
export, and the employment secretary's page. Thin: parse, call one service or selector, render."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.errors import ApplicationError
from core.exports.views import export_start
from core.heartbeat import worker_is_running
from core.imports import ImportStatus
from core.paging import page_of, query_without_page
from core.regions.models import RegionLevel
from core.typed_input import parse_whole_number
from workers import exports, selectors, services
from workers.forms import (
    AssignSecretaryForm,
    AssistedRegistrationForm,
    ExportForm,
    ImportForm,
    RevealForm,
    ServiceRecordForm,
    StatusForm,
    ledger_filters,
)
from workers.imports.columns import ledger_template_workbook
from workers.imports.services import ledger_import_create
from workers.models import ONE_THREE_ONE, ServiceKind, Worker
from workers.signals import panels, worker_record_panels
from workers.tasks import ledger_import_run_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_NOT_CONTACTED_DAYS = 30
MAX_NOT_CONTACTED_DAYS = 3650


def _filters_from(request):
    """The ledger filter in the query string, as (form, LedgerFilters)."""
    return ledger_filters(request.GET, user=request.user, secretaries=selectors.secretaries_for(request.user))


@console_required
@require_safe
def ledger(request):
    form, filters = _filters_from(request)
    workers = selectors.ledger_workers(user=request.user, filters=filters)
    page = page_of(request, workers.order_by("-registered_at", "-id"))
    secretaries = selectors.secretaries_for(request.user)
    return render(
        request,
        "workers/console/ledger.html",
        {
            "filter_form": form,
            "page": page,
            "counts": selectors.ledger_counts(workers),
            "assign_form": AssignSecretaryForm(secretaries=secretaries),
            "export_form": ExportForm(),
            "may_unmask": services.viewer_may_unmask(request.user),
            "may_register": services.user_may_register_workers(request.user),
            "query": request.GET.urlencode(),
            "query_without_page": query_without_page(request.GET),
        },
    )


@console_required
@require_POST
def ledger_assign(request):
    """Assign a secretary to the ticked workers, or to every worker of the current filter."""
    _form, filters = _filters_from(request)
    workers = selectors.ledger_workers(user=request.user, filters=filters)
    if "all" not in request.POST:
        workers = workers.filter(pk__in=request.POST.getlist("worker"))
    assign = AssignSecretaryForm(request.POST, secretaries=selectors.secretaries_for(request.user))
    if not assign.is_valid():
        messages.error(request, _("请选择就业秘书。"))
    else:
        secretary = get_object_or_404(selectors.secretaries_for(request.user), pk=assign.cleaned_data["secretary"])
        try:
            count = services.workers_assign_secretary(actor=request.user, workers=workers, secretary=secretary)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已为 %(count)d 名务工人员指派就业秘书。") % {"count": count})
    return redirect(f"{reverse('workers:ledger')}?{request.GET.urlencode()}")


@console_required
@require_POST
def ledger_export(request):
    """The ledger's current filter as an Excel file: recorded here, written by the `imports` worker, downloaded from
    the export's page that this answers with."""
    form, _filters = _filters_from(request)
    export_form = ExportForm(request.POST)
    export_form.is_valid()
    options = {
        "unmasked": export_form.cleaned_data.get("unmasked", False),
        "reason": (export_form.cleaned_data.get("reason") or "").strip(),
    }
    return export_start(request, kind=exports.LEDGER_EXPORT, filter_form=form, options=options)


def _assisted_region_root(user):
    return None if user.has_full_scope else user.region


@console_required
@require_http_methods(["GET", "POST"])
def worker_new(request):
    """A village agent or county staff member registers a worker on their behalf."""
    root = _assisted_region_root(request.user)
    form = AssistedRegistrationForm(request.POST or None, region_root=root)
    if root is not None and root.level == RegionLevel.VILLAGE:
        form.fields["home_region"].initial = root.code
        form.fields["home_region"].widget = form.fields["home_region"].hidden_widget()
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.worker_register(
                phone=form.cleaned_data["phone"], registered_by=request.user, **form.registration_arguments()
            )
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已登记 %(name)s，并已短信通知本人。") % {"name": worker.full_name})
            return redirect("workers:detail", worker_id=worker.pk)
    return render(request, "workers/console/worker_new.html", {"form": form})


@console_required
@require_safe
def worker_detail(request, worker_id):
    worker = selectors.ledger_worker(user=request.user, worker_id=worker_id)
    return render(request, "workers/console/worker_detail.html", _detail_context(request, worker))


def _detail_context(request, worker, **forms):
    sent_messages, older_messages_exist = selectors.worker_messages(worker=worker)
    return {
        "worker": worker,
        "sent_messages": sent_messages,
        "older_messages_exist": older_messages_exist,
        "status_form": forms.get("status_form") or StatusForm(initial={"status": worker.status}),
        "service_form": forms.get("service_form") or ServiceRecordForm(),
        "reveal_form": forms.get("reveal_form") or RevealForm(),
        "assign_form": AssignSecretaryForm(
            secretaries=selectors.secretaries_for(request.user), initial={"secretary": worker.secretary_id}
        ),
        "may_unmask": services.viewer_may_unmask(request.user),
        "phone": selectors.worker_phone_as_seen_by(viewer=request.user, worker=worker),
        "revealed_id_number": forms.get("revealed_id_number", ""),
        "panels": panels(worker_record_panels, worker=worker, viewer=request.user),
    }


def _worker_action(request, worker_id, form_class, context_name, action):
    """A POST on the record page: valid and accepted -> back to the page; otherwise the page with the error."""
    worker = selectors.ledger_worker(user=request.user, worker_id=worker_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = action(worker, form.cleaned_data)
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, message)
            return redirect("workers:detail", worker_id=worker.pk)
    context = _detail_context(request, worker, **{context_name: form})
    return render(request, "workers/console/worker_detail.html", context, status=400)


@console_required
@require_POST
def worker_status(request, worker_id):
    def update(worker, data):
        services.worker_status_update(worker=worker, actor=request.user, **data)
        return _("已更新就业状态。")

    return _worker_action(request, worker_id, StatusForm, "status_form", update)


@console_required
@require_POST
def worker_service(request, worker_id):
    def record(worker, data):
        services.service_record_create(worker=worker, secretary=request.user, **data)
        return _("已添加服务记录。")

    return _worker_action(request, worker_id, ServiceRecordForm, "service_form", record)


@console_required
@require_POST
def worker_reveal(request, worker_id):
    """The whole ID number, shown once on the page after the reason is written to the audit log."""
    worker = selectors.ledger_worker(user=request.user, worker_id=worker_id)
    form = RevealForm(request.POST)
    revealed = ""
    if form.is_valid():
        try:
            revealed = services.worker_id_number_reveal(
                worker=worker, viewer=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error("reason", error.message)
    context = _detail_context(request, worker, reveal_form=form, revealed_id_number=revealed)
    response = render(request, "workers/console/worker_detail.html", context, status=200 if revealed else 400)
    response["Cache-Control"] = "no-store"
    return response


@console_required
@require_POST
def worker_secretary(request, worker_id):
    worker = selectors.ledger_worker(user=request.user, worker_id=worker_id)
    form = AssignSecretaryForm(request.POST, secretaries=selectors.secretaries_for(request.user))
    if form.is_valid():
        secretary = get_object_or_404(selectors.secretaries_for(request.user), pk=form.cleaned_data["secretary"])
        try:
            services.workers_assign_secretary(
                actor=request.user, workers=Worker.objects.filter(pk=worker.pk), secretary=secretary
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已指派就业秘书。"))
    return redirect("workers:detail", worker_id=worker.pk)


@console_required
@require_POST
def worker_key_group_verify(request, worker_id, group):
    worker = selectors.ledger_worker(user=request.user, worker_id=worker_id)
    try:
        services.key_group_verify(worker=worker, group=group, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已核实重点群体身份。"))
    return redirect("workers:detail", worker_id=worker.pk)


@console_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ledger_import = ledger_import_create(uploaded_by=request.user, file_name=upload.name, content=upload.read())
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            ledger_import_run_task.delay_on_commit(ledger_import.pk)
            return redirect("workers:import_detail", import_id=ledger_import.pk)
    return render(request, "workers/console/import.html", {"form": form})


@console_required
@require_safe
def import_template(request):
    response = HttpResponse(ledger_template_workbook(user=request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


@console_required
@require_safe
def import_detail(request, import_id):
    ledger_import = get_object_or_404(selectors.ledger_imports_for(request.user), pk=import_id)
    context = {
        "ledger_import": ledger_import,
        "no_worker": ledger_import.status == ImportStatus.PENDING and not worker_is_running(queue="imports"),
    }
    return render(request, "workers/console/import_detail.html", context)


@console_required
@require_safe
def secretary(request):
    """The secretary's own page: their workers, who needs a call, the 1-3-1 progress, and the county's figures."""
    days, status = DEFAULT_NOT_CONTACTED_DAYS, 200
    if request.GET.get("days"):
        try:
            days = parse_whole_number(request.GET["days"], lowest=0, highest=MAX_NOT_CONTACTED_DAYS)
        except ApplicationError as error:
            messages.error(request, _("未联系天数%(problem)s") % {"problem": error.message})
            status = 400
    only_due = request.GET.get("due") == "1"
    workers = selectors.secretary_workers(secretary=request.user, not_contacted_days=days if only_due else None)
    rows = [(worker, selectors.one_three_one_met(worker)) for worker in workers]
    county_workers = selectors.ledger_workers(user=request.user).filter(secretary__isnull=False)
    return render(
        request,
        "workers/console/secretary.html",
        {
            "rows": rows,
            "days": days,
            "only_due": only_due,
            "mine": selectors.one_three_one_summary(selectors.secretary_workers(secretary=request.user)),
            "county": selectors.one_three_one_summary(county_workers),
            "norm": [(ServiceKind(kind).label, needed) for kind, needed in ONE_THREE_ONE.items()],
            "since": timezone.localdate() - timedelta(days=days),
        },
        status=status,
    )
