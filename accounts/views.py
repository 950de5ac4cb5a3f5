from allauth.account.views import LoginView
from django.http import HttpResponse


class RateLimitedLoginView(LoginView):
    """allauth's login, answering 429 (with Retry-After) once failed attempts hit the limit.

    allauth itself re-renders the form with a 200; a 429 tells scripts and monitoring what
    happened, while a person still sees the explanation on the page.
    """

    retry_after_seconds = 300

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        rate_limited = any(
            error.code == "too_many_login_attempts"
            for error in form.errors.as_data().get("__all__", [])
        )
        if rate_limited:
            response.status_code = 429
            response["Retry-After"] = str(self.retry_after_seconds)
        return response
