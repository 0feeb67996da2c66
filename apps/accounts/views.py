"""Changing one's own password and resetting a forgotten one by email: Django's views with
CharterHub's templates (docs/security.md). The language switcher."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import services
from apps.accounts.middleware import CHOSEN_BEFORE_SIGN_IN, set_language_cookie
from apps.accounts.security import failure_window, password_change_blocked
from apps.core.answers import answer_redirect, answer_refused
from apps.core.redirects import safe_next_url

LANGUAGE = "accounts/language.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the password validators; keeps
    the current session signed in and signs out the others). A refused form answers 422."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def post(self, request, *args, **kwargs):
        # Wrong old passwords are throttled like logins (AXES_FAILURE_LIMIT per lockout
        # period), so a borrowed signed-in session cannot guess the password: 429, unchecked.
        if password_change_blocked(user=request.user):
            minutes = int(failure_window().total_seconds() // 60)
            messages.error(
                request,
                _(
                    "Too many wrong current passwords. Try again in %(minutes)s minutes, or "
                    "log out and reset your password by email."
                )
                % {"minutes": minutes},
            )
            form = self.get_form_class()(user=request.user)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_change_record(user=self.request.user, succeeded=True)
        return response

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            services.password_change_record(user=self.request.user, succeeded=False)
        response = super().form_invalid(form)
        response.status_code = 422
        return response


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


# --- password reset by email ------------------------------------------------------------------


class HtmxFormMixin:
    """A form page that also answers htmx, with the core answers: a refused form is the
    page's ``form`` partial at 422 (the whole page without htmx); success is a redirect."""

    def form_invalid(self, form):
        return answer_refused(
            self.request,
            page=self.template_name,
            fragment=f"{self.template_name}#form",
            context=self.get_context_data(form=form),
        )

    def done(self, url: str) -> HttpResponse:
        return answer_redirect(self.request, url)


class PasswordResetView(HtmxFormMixin, auth_views.PasswordResetView):
    """Asks for an email address and always answers "check your email": the worker looks the
    address up and sends the link (services.password_reset_request), so the answer says
    nothing about whether an account exists. A malformed address answers 422."""

    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        services.password_reset_request(email=form.cleaned_data["email"])
        return self.done(self.get_success_url())


class PasswordResetConfirmView(HtmxFormMixin, auth_views.PasswordResetConfirmView):
    """The emailed link: a new password twice (the validators apply). An expired or used link
    shows a page saying so, with a way to ask for a new one."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves; ends the sessions; drops the token
        services.password_reset_completed(user=form.user)
        return self.done(response["Location"])


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }


password_reset = PasswordResetView.as_view()
password_reset_done = PasswordResetDoneView.as_view()
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# --- the language switcher ------------------------------------------------------------------


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's language buttons. A signed-in user's choice is saved on the account (the
    interface and emails follow it on every device); anyone's is kept in the language cookie
    (the login page), and a choice made before signing in becomes the account's at sign-in
    (UserLanguageMiddleware). Answers with a redirect back to ``next`` (when it is a page of
    this site, else the dashboard), or HX-Redirect for htmx; an unknown language is refused
    with 422 and nothing changes."""
    language = request.POST.get("language", "")
    next_url = safe_next_url(request, reverse("dashboard"))
    try:
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        else:
            services.language_clean(language)
            # Saved on the account at sign-in (UserLanguageMiddleware).
            request.session[CHOSEN_BEFORE_SIGN_IN] = language
    except ValidationError as error:
        return answer_refused(
            request,
            page=LANGUAGE,
            fragment=f"{LANGUAGE}#language_form",
            context={"errors": error.messages, "next": next_url},
        )
    # The message (and the page after the redirect) in the language just chosen.
    translation.activate(language)
    request.LANGUAGE_CODE = language
    # Translators: says that the interface is now in *your* language, named in it.
    messages.success(request, _("The interface is now in English."))
    response = answer_redirect(request, next_url)
    set_language_cookie(response, language)
    return response
