from django.db.models import QuerySet
from django.utils import timezone

from core.accounts.models import User
from core.exports.models import Export


def own_exports(user: User) -> QuerySet[Export]:
    """The exports `user` asked for that have not expired, newest first, without their files. Nobody else's: a
    file goes only to the person whose export it is, whatever their role or region (another person: 404)."""
    return Export.objects.filter(requested_by=user, expires_at__gt=timezone.now()).defer("content")
