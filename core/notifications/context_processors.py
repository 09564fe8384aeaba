from django.utils.functional import SimpleLazyObject

from core.notifications.selectors import inbox_unread_count


def inbox(request):
    """The signed-in user's unread inbox count, counted only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread_count": SimpleLazyObject(lambda: inbox_unread_count(user=user))}
