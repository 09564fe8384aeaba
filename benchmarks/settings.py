"""The portal's settings plus one extra URL, /bench/minimal/, the baseline page of benchmarks/search.py."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
