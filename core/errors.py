"""The one error type that services raise.

Its message is meant for the person who caused it (already translated, in Chinese by default); views show it
next to the form and the API answers it with the HTTP status its `code` stands for (`core.api.STATUS_BY_CODE`:
not_found 404, permission_denied 403, conflict 409, rate_limited 429, anything else 400). Anything else that
escapes a service is a bug and becomes a 500.
"""

# When a limit does not say when it lifts, the client is asked to wait a minute rather than hammer it.
DEFAULT_RETRY_AFTER_SECONDS = 60


class ApplicationError(Exception):
    def __init__(self, message, *, code="invalid", field=None, details=None, retry_after=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.details = details or {}
        # Seconds until a rate-limited request may succeed (code "rate_limited"); the API sends it as Retry-After.
        self.retry_after = retry_after

    def show_on(self, form):
        """Put the message on a Django form: next to the field it names, or above the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)

    @property
    def retry_after_seconds(self):
        """What the Retry-After header of a rate-limited answer says: whole seconds, at least one."""
        return max(1, int(self.retry_after or DEFAULT_RETRY_AFTER_SECONDS))


def refusal_answered(response, error):
    """A page that shows a rate limit's refusal on its form answers as the API does: 429 with Retry-After, so that
    a browser, a proxy or a monitoring check tells "wait" from a page shown. Other refusals keep the form's 200."""
    if error is not None and error.code == "rate_limited":
        response.status_code = 429
        response["Retry-After"] = str(error.retry_after_seconds)
    return response
