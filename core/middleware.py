"""Headers that follow from who is asking, set once for every page, export and API answer."""

from django.utils.cache import add_never_cache_headers


class PersonalDataNoStoreMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a proxy (`Cache-Control: no-store`).

    Every console page and export, every /me/ page and every API answer to a session or token carries personal
    data, or the person's own; a shared county-office computer must not keep a copy after they sign out. Pages that
    say they are public (`cache_control(public=True)`, e.g. the region list) or already say no-store keep their
    header. Anonymous pages that carry personal data (the employer's manifest link) are marked by their view with
    `never_cache`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        decided = any(word in response.get("Cache-Control", "") for word in ("public", "no-store"))
        if user is not None and user.is_authenticated and not decided:
            add_never_cache_headers(response)
        return response
