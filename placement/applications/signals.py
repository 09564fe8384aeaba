"""What placement announces to the floors above it, which it may not import.

Each signal is sent after its transaction commits, with ids only. Who listens is wired in one place at the top,
portal/flows.py, where every flow from a lower floor to a higher one can be read.
"""

from django.dispatch import Signal

# An application became signed (签约): `application_id`.
application_signed = Signal()
