"""The time a benchmark's queries spend in the database, for the figures that separate it from Python's."""

import time


class DatabaseClock:
    """Adds up the time spent executing SQL (the `execute_wrapper` hook sees every query)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
