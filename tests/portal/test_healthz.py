import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_the_database_and_redis_up(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "up"
    assert body["redis"] == ("up" if settings.REDIS_URL else "not configured")
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_configured_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "up", "redis": "down"}


@pytest.mark.django_db
def test_healthz_shows_redis_as_not_configured_in_the_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["redis"] == "not configured"


def test_healthz_answers_503_when_the_database_is_down():
    # A fresh interpreter whose DATABASE_URL points at a port where no PostgreSQL listens.
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}
    env.pop("REDIS_URL", None)
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; response = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(response.status_code); print(response.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    status_line, body = result.stdout.strip().splitlines()[-2:]
    assert status_line == "503"
    assert json.loads(body)["database"] == "down"
