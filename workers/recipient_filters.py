"""Broadcast recipients chosen by the ledger's fields. core.notifications may never import this app, so
portal/flows.py registers these with its recipient filter registry (label and choices there): each becomes a field
of the broadcast form and narrows a broadcast's recipients when it fans out."""

from django.db.models import QuerySet

from core.accounts.models import User


def workers_with_status(users: QuerySet[User], status: str) -> QuerySet[User]:
    return users.filter(worker__status=status, worker__anonymised_at__isnull=True)


# Self-declared key groups count as well as verified ones: the message only offers help, it grants nothing.
def workers_in_key_group(users: QuerySet[User], key_group: str) -> QuerySet[User]:
    return users.filter(worker__key_groups__group=key_group, worker__anonymised_at__isnull=True)
