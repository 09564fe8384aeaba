"""Job fairs (招聘会): the public pages (/fairs/) and the organiser's console (/console/applications/fairs/),
including the on-the-day desk where staff find a worker by phone and record an intention in one go."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.accounts.permissions import console_required
from core.accounts.services import normalize_phone
from core.errors import ApplicationError
from core.privacy.masking import mask_name
from placement.applications import selectors, services
from placement.applications.forms import FairCheckInForm, FairForm

# --- Public ----------------------------------------------------------------------------------------------------


@require_safe
def public_fair_list(request):
    upcoming, past = selectors.public_fairs(now=timezone.now())
    return render(request, "applications/fair_list.html", {"upcoming": upcoming, "past": past})


@require_safe
def public_fair_detail(request, fair_id):
    fair = selectors.public_fair(fair_id=fair_id)
    if fair is None:
        raise Http404
    if request.method == "GET":  # a link checker's HEAD is nobody reading the page
        services.fair_view_count(fair_id=fair.id)
    return render(request, "applications/fair_detail.html", {"fair": fair})


# --- Console ---------------------------------------------------------------------------------------------------


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
    phone = normalize_phone(form.cleaned_data["phone"])
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
