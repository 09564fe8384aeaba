"""The job list's rendered results, cached for a minute per search, and dropped as soon as a posting changes;
and its filter panel, cached until the regions change.

Two cores serve a county's whole job fair: without this every visitor who follows the same link from a WeChat
group would have the same page searched and rendered again. The key carries a version that the posting services
bump (on commit) whenever a visible posting or its employer changes: published, edited, closed, filled, extended
or expired, so the list never shows a posting that has gone. `JOBS_LIST_CACHE_SECONDS` only bounds how long an
unused entry takes up memory.
"""

import hashlib

from django.conf import settings
from django.utils.translation import get_language

from core.fragment_cache import cached_fragment, fragment_version_bump
from core.regions.fields import REGION_FRAGMENTS_VERSION_KEY

_VERSION_KEY = "jobs:list-version"
# Only bounds how long the panel of a search nobody makes any more takes up memory.
FILTER_PANEL_CACHE_SECONDS = 60 * 60


def list_cache_invalidate():
    fragment_version_bump(_VERSION_KEY)


def cached_list_fragment(query, render, *, home_region_code=None):
    """The cached rendering of the list for `query` (a QueryDict), or `render()` stored for next time.

    `home_region_code`: the signed-in worker's home, whose cards say 同县 / 同市 / 省内 / 省外; kept apart per home
    county, since the words are the same for everyone from one county.
    JOBS_LIST_CACHE_SECONDS=0 turns the cache off: neither read nor written.
    """
    if not settings.JOBS_LIST_CACHE_SECONDS:
        return render()
    parameters = sorted((name, value) for name, values in query.lists() for value in values)
    if home_region_code:
        # A leading space keeps it apart from any URL parameter, which never starts with one.
        parameters.append((" home", home_region_code[:6]))
    return cached_fragment(
        version_key=_VERSION_KEY,
        key=_key("jobs:list", parameters),
        render=render,
        timeout=settings.JOBS_LIST_CACHE_SECONDS,
    )


def cached_filter_panel(parameters, render):
    """The rendered filter panel for the panel's URL `parameters` (see `PostingSearchForm.panel_parameters`).

    The panel shows the filters of the URL (and their errors) in the language of the page with the region pickers'
    options: it never depends on the postings, so it is cached under the regions' version, and stays on when
    JOBS_LIST_CACHE_SECONDS turns the result cache off.
    """
    return cached_fragment(
        version_key=REGION_FRAGMENTS_VERSION_KEY,
        key=_key("jobs:filter-panel", parameters),
        render=render,
        timeout=FILTER_PANEL_CACHE_SECONDS,
    )


def _key(prefix, parameters):
    canonical = "&".join(f"{name}={value}" for name, value in parameters)
    return f"{prefix}:{get_language()}:{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"
