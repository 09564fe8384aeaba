"""Wherever workers are started, every queue has one (settings.TASK_QUEUES, portal/celery.py): a queue nobody consumes
keeps its tasks for ever (a worker started without `bulk` would never send a broadcast). Read off the places that
start them: `make run`, docker-compose.yml with and without its cluster profile, the load test."""

import argparse
import itertools
import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings

from benchmarks.campaign_peak import server_commands
from portal.celery import app

BASE_DIR = Path(__file__).resolve().parents[2]
EVERY_QUEUE = set(settings.TASK_QUEUES)


def _queues(command):
    """The queues a `celery worker` command line consumes (Celery's default queue when it names none)."""
    words = shlex.split(command) if isinstance(command, str) else list(command)
    for option, value in itertools.pairwise(words):
        if option in ("-Q", "--queues"):
            return set(value.split(","))
    return {"celery"}


def test_the_celery_app_declares_every_queue_of_the_settings():
    assert [queue.name for queue in app.conf.task_queues] == list(settings.TASK_QUEUES)
    assert {"notifications", "bulk"} <= EVERY_QUEUE


def test_make_run_starts_a_worker_on_every_queue():
    makefile = (BASE_DIR / "Makefile").read_text()
    workers = re.findall(r"celery -A portal worker ([^&\n]*)", makefile)
    assert len(workers) == 1
    assert _queues(workers[0]) == EVERY_QUEUE


def test_compose_serves_every_queue_alone_and_in_the_cluster_where_sign_in_codes_get_a_worker_of_their_own():
    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    workers = {
        name: _queues(service["command"])
        for name, service in services.items()
        if "worker" in service.get("command", [])
    }
    alone = {name: queues for name, queues in workers.items() if "profiles" not in services[name]}
    assert alone == {"worker": EVERY_QUEUE}
    assert set().union(*workers.values()) == EVERY_QUEUE
    # A broadcast's sends never hold every process that could take a code.
    assert workers["worker-2"] == {"notifications"}


def test_the_load_test_starts_a_worker_for_every_queue_and_one_for_the_messages_people_wait_for_alone(tmp_path):
    commands = dict(server_commands(argparse.Namespace(port=8000, web_workers=1), tmp_path))
    workers = {name: _queues(command) for name, command in commands.items() if "worker" in command}
    assert set().union(*workers.values()) == EVERY_QUEUE
    assert workers["celery notifications"] == {"notifications"}
    assert workers["celery bulk"] == {"bulk"}


def test_the_fan_out_benchmarks_workers_take_every_queue_a_broadcast_and_a_booking_message_go_to():
    from benchmarks.fanout import WORKER_QUEUES
    from core.notifications import publishing

    routed = {
        publishing.queue_of(name)
        for name in (publishing.BROADCAST_FAN_OUT, publishing.OUTBOX_SEND, publishing.OUTBOX_SEND_BULK)
    }
    assert routed == {"notifications", "bulk"}
    assert set(WORKER_QUEUES) == routed
