"""The Celery tasks go by one naming rule: Celery's default name, their module and function, which is what the beat
schedule and the queue routes name (settings.py)."""

from django.conf import settings

from portal.celery import app


def _our_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_named_by_its_module_and_function():
    tasks = _our_tasks()
    assert tasks
    assert {name: f"{task.run.__module__}.{task.run.__name__}" for name, task in tasks.items()} == {
        name: name for name in tasks
    }


def test_every_beat_entry_and_every_route_names_a_task_that_exists():
    tasks = _our_tasks()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    routed = {route for route in settings.CELERY_TASK_ROUTES if not route.endswith(".*")}
    assert scheduled - set(tasks) == set()
    assert routed - set(tasks) == set()
