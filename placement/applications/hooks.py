"""What other apps do when an application is signed, without jobs importing them.

Transport sits above jobs in the layers, yet it is transport that knows the trips towards an employer. So jobs
keeps this small registry and transport puts its handler in from its AppConfig.ready(). The handlers run inside
the signing transaction: what they write (the trip offer's outbox rows) commits or rolls back with the signature,
which is the outbox rule of core.notifications.
"""

_signed_handlers = []


def on_application_signed(handler):
    """Register `handler(application=...)`, called once each time an application becomes signed."""
    if handler not in _signed_handlers:
        _signed_handlers.append(handler)
    return handler


def application_signed_announce(application):
    for handler in list(_signed_handlers):
        handler(application=application)
