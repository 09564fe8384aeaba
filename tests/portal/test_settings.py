"""The settings module, loaded in a fresh interpreter with the environment under test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 20 + "-production-secret-for-tests-only-" + "x" * 20


def run_python(code, **environment):
    # A test run under pytest-xdist has its worker's id in the environment (portal/settings.py reads it to choose
    # the worker's Redis database): the settings under test are loaded as outside a test run.
    outside = {"DATABASE_URL", "REDIS_URL", "DEBUG", "PYTEST_XDIST_WORKER", "REDIS_TEST_DATABASES"}
    env = {key: value for key, value in os.environ.items() if key not in outside}
    env.pop("SECRET_KEY", None)
    env.pop("PII_KEY", None)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )


SETUP = "import django; django.setup()"


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python(SETUP, DEBUG="false", PII_KEY="pii")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_it_refuses_the_development_secret_key_when_debug_is_off():
    result = run_python(
        SETUP,
        DEBUG="false",
        PII_KEY="pii",
        SECRET_KEY="django-insecure-chunfeng-development-only-never-use-in-production",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development default" in result.stderr


def test_it_refuses_a_short_secret_key_when_debug_is_off():
    result = run_python(SETUP, DEBUG="false", PII_KEY="pii", SECRET_KEY="short-but-not-default")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_without_a_personal_data_key_when_debug_is_off():
    result = run_python(SETUP, DEBUG="false", SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "PII_KEY is required" in result.stderr


def test_it_refuses_a_share_of_the_sms_rate_kept_for_sign_in_codes_that_leaves_broadcasts_nothing():
    result = run_python(SETUP, DEBUG="true", NOTIFICATIONS_SMS_RATE_RESERVED_SHARE="1")
    assert result.returncode != 0
    assert "NOTIFICATIONS_SMS_RATE_RESERVED_SHARE must be at least 0 and below 1" in result.stderr


def test_check_deploy_reports_nothing_for_a_production_configuration():
    result = run_python(
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DEBUG="false",
        SECRET_KEY=GOOD_SECRET,
        PII_KEY="a-personal-data-key",
        ALLOWED_HOSTS="portal.example.gov.cn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/chunfeng",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_redis_tasks_run_in_process_and_the_cache_is_local_memory_and_the_log_says_so():
    result = run_python(
        SETUP + "; from django.conf import settings; from portal.celery import app;"
        "print(settings.CACHES['default']['BACKEND']); print(app.conf.task_always_eager);"
        "print(settings.DATABASES['default']['ENGINE'])",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert "locmem.LocMemCache" in result.stdout
    assert "\nTrue\n" in result.stdout
    assert "sqlite3" in result.stdout
    assert "Celery tasks run in-process (eager)" in result.stdout + result.stderr


def test_with_redis_configured_celery_uses_it_as_broker_and_the_cache_is_redis():
    result = run_python(
        SETUP + "; from django.conf import settings; from portal.celery import app;"
        "print(settings.CACHES['default']['BACKEND']); print(app.conf.task_always_eager); print(app.conf.broker_url);"
        "print(app.conf.task_acks_late, app.conf.task_serializer, sorted(q.name for q in app.conf.task_queues))",
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout
    assert "False" in result.stdout
    assert "redis://127.0.0.1:6379/15" in result.stdout
    assert "True json ['bulk', 'default', 'imports', 'notifications']" in result.stdout


def test_a_settings_module_built_on_the_portals_loads_with_every_queue():
    # benchmarks/settings.py starts with `from portal.settings import *`, which imports the portal package and its
    # Celery app before that module has any name: an app reading settings when imported found none.
    result = run_python(
        SETUP + "; from portal.celery import app; print(sorted(q.name for q in app.conf.task_queues))",
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/15",
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
    )
    assert result.returncode == 0, result.stderr
    assert "['bulk', 'default', 'imports', 'notifications']" in result.stdout


REDIS_SETTINGS = SETUP + "; from django.conf import settings; print(settings.REDIS_URL, settings.CELERY_BROKER_URL)"


def test_each_test_worker_takes_its_own_redis_database_from_the_list():
    result = run_python(
        REDIS_SETTINGS,
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/15",
        PYTEST_XDIST_WORKER="gw2",
        REDIS_TEST_DATABASES="6,7,12,13",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://127.0.0.1:6379/12", "redis://127.0.0.1:6379/12"]


def test_a_test_worker_without_a_redis_database_of_its_own_is_refused_saying_which_variable_to_set():
    result = run_python(
        REDIS_SETTINGS,
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/15",
        PYTEST_XDIST_WORKER="gw2",
        REDIS_TEST_DATABASES="15,14",
    )
    assert result.returncode != 0
    assert "pytest-xdist worker gw2 needs a Redis database of its own" in result.stderr
    assert "REDIS_TEST_DATABASES names 2 (15,14)" in result.stderr


def test_outside_a_test_worker_the_redis_database_is_the_one_configured():
    result = run_python(
        REDIS_SETTINGS, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/15", REDIS_TEST_DATABASES="6,7,12,13"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"]


@pytest.mark.parametrize("language_setting", ["LANGUAGE_CODE", "TIME_ZONE"])
def test_the_defaults_are_chinese_and_shanghai_time(settings, language_setting):
    expected = {"LANGUAGE_CODE": "zh-hans", "TIME_ZONE": "Asia/Shanghai"}[language_setting]
    assert getattr(settings, language_setting) == expected
    assert settings.USE_TZ


def test_it_refuses_a_guessable_metrics_token():
    result = run_python(SETUP, DEBUG="false", PII_KEY="pii", SECRET_KEY=GOOD_SECRET, METRICS_TOKEN="metrics")
    assert result.returncode != 0
    assert "METRICS_TOKEN must be at least 32 characters" in result.stderr


def test_it_refuses_to_keep_audit_rows_under_six_months():
    result = run_python(SETUP, DEBUG="true", RETENTION_AUDIT_ROWS_DAYS="90")
    assert result.returncode != 0
    assert "RETENTION_AUDIT_ROWS_DAYS must be at least 180" in result.stderr


def test_a_rotated_key_list_alone_is_enough_with_debug_off():
    code = SETUP + "; from django.conf import settings; print(settings.PII_KEYS)"
    result = run_python(code, DEBUG="false", SECRET_KEY=GOOD_SECRET, PII_KEYS="new-key,old-key")
    assert result.returncode == 0, result.stderr
    assert "['new-key', 'old-key']" in result.stdout


def test_it_refuses_read_replicas_beside_the_embedded_sqlite_database():
    result = run_python(SETUP, DEBUG="true", DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5434/chunfeng")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL" in result.stderr


def test_each_replica_url_becomes_a_database_that_mirrors_the_primary_in_the_tests():
    result = run_python(
        SETUP + "; from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.DATABASES['replica_1']['PORT'], s.DATABASES['replica_1']['TEST']['MIRROR'])",
        DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/chunfeng",
        DATABASE_REPLICA_URLS="postgres://postgres@10.0.0.2:5432/chunfeng,postgres://postgres@10.0.0.3:5433/chunfeng",
    )
    assert result.stdout.split()[-3:] == ["'replica_1']", "5433", "default"]
    assert "['default', 'replica_0', 'replica_1']" in result.stdout


def test_it_refuses_a_sentinel_that_is_not_host_and_port():
    result = run_python(
        SETUP, DEBUG="true", REDIS_URL="redis://chunfeng/0", REDIS_SENTINELS="10.0.0.11,10.0.0.12:26379"
    )
    assert result.returncode != 0
    assert "REDIS_SENTINELS: '10.0.0.11' is not host:port" in result.stderr


def test_sentinels_need_a_redis_url_for_the_database_number():
    result = run_python(SETUP, DEBUG="true", REDIS_SENTINELS="10.0.0.11:26379")
    assert result.returncode != 0
    assert "REDIS_SENTINELS needs REDIS_URL" in result.stderr


def test_with_sentinels_the_broker_and_the_cache_ask_them_for_the_master():
    result = run_python(
        SETUP + "; from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL); print(s.CELERY_BROKER_TRANSPORT_OPTIONS['master_name']); "
        "print(s.CACHES['default']['LOCATION'][0])",
        DEBUG="true",
        REDIS_URL="redis://:secret@ignored/3",
        REDIS_SENTINELS="10.0.0.11:26379,10.0.0.12:26379",
        REDIS_SENTINEL_MASTER="portal-master",
    )
    broker, master, cache_location = result.stdout.strip().splitlines()[-3:]
    assert broker == "sentinel://:secret@10.0.0.11:26379/3;sentinel://:secret@10.0.0.12:26379/3"
    assert master == "portal-master"
    assert cache_location == "redis://:secret@portal-master/3"
