from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.accounts.forms import PhoneForm, SignInCodeForm, StaffAuthenticationForm, UnlockRequestForm
from core.accounts.ratelimits import (
    sign_in_code_limit_check,
    staff_login_failure_count,
    staff_login_limit_check,
    unlock_code_limit_check,
)
from core.accounts.services import (
    sign_in_code_check,
    sign_in_code_send,
    staff_unlock,
    staff_unlock_code_send,
)
from core.errors import ApplicationError, refusal_answered

_PENDING_PHONE = "sign_in_phone"
_NEXT = "sign_in_next"
# Where a job seeker lands after signing in: their own page, which sends a newcomer on to registration.
JOB_SEEKER_HOME = "me:home"


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # The administrators (三员) work in the Django admin; the console is not theirs.
        if self.request.user.is_authenticated and self.request.user.is_administrator:
            return reverse("admin:index")
        return super().get_default_redirect_url()

    def post(self, request, *args, **kwargs):
        """Past the username's allowance of wrong passwords, a wait, not a lock."""
        username = request.POST.get("username", "").strip()
        try:
            staff_login_limit_check(request, username=username)
        except ApplicationError as error:
            # An unbound form: validating the posted one would check the password, which is what must wait.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, refusal=error.message)
            return refusal_answered(self.render_to_response(context), error)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        staff_login_failure_count(self.request, username=self.request.POST.get("username", "").strip())
        return super().form_invalid(form)


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of authenticating a username that failed too often from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


_UNLOCK_USERNAME = "unlock_username"


@require_http_methods(["GET", "POST"])
def staff_unlock_request(request):
    """A locked-out staff member asks for a code on their own phone. Every username gets the same answer."""
    form = UnlockRequestForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            unlock_code_limit_check(request, username=username)
        except ApplicationError as error:
            error.show_on(form)
            refusal = error
        else:
            staff_unlock_code_send(username=username)
            request.session[_UNLOCK_USERNAME] = username
            return redirect("accounts:unlock_code")
    return refusal_answered(render(request, "accounts/unlock.html", {"form": form}), refusal)


@require_http_methods(["GET", "POST"])
def staff_unlock_code(request):
    username = request.session.get(_UNLOCK_USERNAME)
    if not username:
        return redirect("accounts:unlock")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_unlock(username=username, code=form.cleaned_data["code"])
        except ApplicationError as error:
            error.show_on(form)
        else:
            request.session.pop(_UNLOCK_USERNAME, None)
            messages.success(request, _("已解除锁定，请重新登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/unlock_code.html", {"form": form, "resend_url": reverse("accounts:unlock")})


def _safe_next(request, candidate):
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def phone_sign_in(request):
    """Step 1 for job seekers: the phone number, to which a code is sent."""
    form = PhoneForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            sign_in_code_limit_check(request, phone=form.cleaned_data["phone"])
            phone = sign_in_code_send(phone=form.cleaned_data["phone"])
        except ApplicationError as error:
            form.add_error("phone", error.message)
            refusal = error
        else:
            request.session[_PENDING_PHONE] = phone
            request.session[_NEXT] = _safe_next(request, request.GET.get("next", ""))
            return redirect("accounts:phone_code")
    return refusal_answered(render(request, "accounts/phone.html", {"form": form}), refusal)


@require_http_methods(["GET", "HEAD", "POST"])
def phone_sign_in_code(request):
    """Step 2: the code; then the job seeker is signed in."""
    phone = request.session.get(_PENDING_PHONE)
    if not phone:
        return redirect("accounts:phone")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_code_check(phone=phone, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(_PENDING_PHONE, None)
            next_url = request.session.pop(_NEXT, "")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or reverse(JOB_SEEKER_HOME))
    # Asking for a new code keeps where the person was going.
    resend_url = reverse("accounts:phone")
    if request.session.get(_NEXT):
        resend_url += "?" + urlencode({"next": request.session[_NEXT]})
    return render(request, "accounts/phone_code.html", {"form": form, "phone": phone, "resend_url": resend_url})
