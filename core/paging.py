"""Console lists in pages: one page of rows from `?page=`, and the list's query without it for the page links."""

from django.core.paginator import Paginator

CONSOLE_PAGE_SIZE = 50


def page_of(request, rows, *, per_page=CONSOLE_PAGE_SIZE):
    """The page of `rows` that `?page=` asks for (the first or the last when it is not a page number)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(query):
    """`query` (a QueryDict) as a string without its `page`, for links that add their own."""
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()
