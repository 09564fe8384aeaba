"""The one error type that services raise.

Its message is meant for the person who caused it (already translated, in Chinese by default); views show it
next to the form and the API maps it to a 400 in `core.api.exception_handler`. Anything else that escapes a
service is a bug and becomes a 500.
"""


class ApplicationError(Exception):
    def __init__(self, message, *, code="invalid", field=None, details=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.details = details or {}

    def show_on(self, form):
        """Put the message on a Django form: next to the field it names, or above the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)
