"""What the workers app asks of the floors above it, which it may not import.

Who answers is wired in one place at the top, portal/flows.py, where every flow between the floors can be read.
"""

from django.dispatch import Signal

# A worker's record is being shown to a member of staff: `worker`, `viewer`. Each receiver returns a panel of HTML
# (what a higher floor knows of the person, such as their path from a pushed job to still being employed) or "".
worker_record_panels = Signal()

# A worker's own page (/me/) is being shown to them: `worker`. Each receiver returns a card of HTML or "".
worker_home_panels = Signal()


def panels(signal, **arguments):
    """The non-empty HTML panels the receivers of `signal` return, in the order they were connected."""
    return [html for _receiver, html in signal.send(sender=None, **arguments) if html]
