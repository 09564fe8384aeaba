"""An export's page (its state, refreshed by itself until the file is ready, then the download link), the download,
and the staff member's own recent exports. `export_start` is what the lists' export buttons call."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from core.accounts.permissions import console_required
from core.errors import ApplicationError
from core.exports import services
from core.exports.kinds import ExportKind, kind_named
from core.exports.models import ExportStatus
from core.exports.selectors import own_exports
from core.exports.tasks import export_build
from core.heartbeat import worker_is_running

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The export's page reloads itself this often while the file is being written (a meta refresh: no script needed).
REFRESH_SECONDS = 3


# The list's page, not its filter: left out of an export's query.
PAGING_PARAMETERS = ("page", "cursor")


def canonical_query(query_dict):
    """The query string in one order, without the page: the same filter is the same text."""
    pairs = sorted(
        (key, value) for key, values in query_dict.lists() if key not in PAGING_PARAMETERS for value in values
    )
    return urlencode(pairs)


def form_filters(form):
    """A list's filter form as ({field: value} for the audit log, [[label, value]] for the export's page): only
    what narrows the list; an invalid filter filters nothing and shows nothing."""
    if not form.is_bound or not form.is_valid():
        return {}, []
    filters, shown = {}, []
    for name, value in form.cleaned_data.items():
        field = form.fields[name]
        # An unticked box narrows nothing; a choice answered "no" (求职意向: 无) does.
        if value in (None, "") or (value is False and isinstance(field, forms.BooleanField)):
            continue
        filters[name] = str(value)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = dict(field.choices)
            text = str(choices.get(form[name].data, choices.get(value, value)))
        elif value is True:
            text = _("是")
        else:
            text = str(value)
        shown.append([str(field.label or name), text])
    return filters, shown


def export_start(request, *, kind: ExportKind, filter_form, options=None):
    """Record the export of the list that `filter_form` (bound to the list's query string) filters, queue its task,
    and answer at once with the export's page; a refusal goes back to the list with its message."""
    query = canonical_query(request.GET)
    list_url = reverse(kind.list_url) + (f"?{request.GET.urlencode()}" if request.GET else "")
    filters, shown = form_filters(filter_form)
    try:
        export, created = services.export_request(
            kind=kind,
            requested_by=request.user,
            query=query,
            options=options or {},
            filters=filters,
            filters_shown=shown,
            list_url=list_url,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(list_url)
    if created:
        export_build.delay_on_commit(export.pk)
    return redirect("exports:detail", export_id=export.pk)


@console_required
@require_safe
def export_list(request):
    exports = list(own_exports(request.user)[:50])
    for export in exports:
        export.kind_label = _label(export.kind)
    context = {"exports": exports, "retention_hours": settings.EXPORT_RETENTION_HOURS}
    return render(request, "exports/console/list.html", context)


@console_required
@require_safe
def export_detail(request, export_id):
    export = get_object_or_404(own_exports(request.user), pk=export_id)
    context = {
        "export": export,
        "label": _label(export.kind),
        "refresh": None if export.finished else REFRESH_SECONDS,
        "no_worker": export.status == ExportStatus.PENDING and not worker_is_running(queue="imports"),
    }
    return render(request, "exports/console/detail.html", context)


@console_required
@require_GET  # not HEAD: each download is an audit line, and a HEAD takes no file
def export_download(request, export_id):
    export = get_object_or_404(own_exports(request.user).filter(status=ExportStatus.READY).defer(None), pk=export_id)
    services.export_download_record(export=export, reader=request.user)
    response = HttpResponse(bytes(export.content), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response


def _label(name):
    kind = kind_named(name)
    return kind.label if kind else _("导出")
