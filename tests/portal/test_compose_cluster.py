"""docker-compose.yml's cluster profile, read as compose reads it (docs/operations.md, "More than one host"); and
`docker compose config` on it where a compose client is installed."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
NGINX_CONF = (BASE_DIR / "deploy/nginx/portal.conf").read_text()


def _in_cluster(name):
    """With `--profile cluster` compose starts the services of no profile and those of that profile."""
    return SERVICES[name].get("profiles", ["cluster"]) == ["cluster"]


def _command(name):
    command = SERVICES[name].get("command", "")  # the image's own (PostgreSQL, Redis, nginx)
    return command if isinstance(command, str) else " ".join(command)


def test_the_cluster_profile_runs_two_web_servers_behind_nginx_two_workers_one_beat_a_replica_and_redis():
    cluster = [name for name in SERVICES if _in_cluster(name)]
    web = [name for name in cluster if "gunicorn" in _command(name)]
    workers = [name for name in cluster if " worker " in f" {_command(name)} "]
    beats = [name for name in SERVICES if " beat " in f" {_command(name)} "]
    assert web == ["web", "web-2"]
    assert workers == ["worker", "worker-2"]
    assert beats == ["beat"]
    assert {"db", "db-replica", "redis", "nginx"} <= set(cluster)
    assert re.findall(r"server (\S+):8000", NGINX_CONF) == web
    # Only the first web server migrates, before the second starts.
    assert "migrate" in _command("web")
    assert "migrate" not in _command("web-2")
    assert SERVICES["web-2"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_nothing_of_the_cluster_starts_without_its_profile():
    alone = [name for name in SERVICES if "profiles" not in SERVICES[name]]
    assert alone == ["db", "redis", "web", "worker", "beat"]


def test_the_replica_streams_from_the_primary_and_the_web_servers_can_be_pointed_at_it():
    assert "pg_basebackup --host=db" in _command("db-replica")
    assert "--write-recovery-conf" in _command("db-replica")
    assert SERVICES["db-replica"]["image"] == SERVICES["db"]["image"]
    assert SERVICES["web"]["environment"]["DATABASE_REPLICA_URLS"] == "${DATABASE_REPLICA_URLS:-}"


def test_nginx_forwards_the_client_address_from_the_address_the_web_servers_trust():
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX_CONF
    nginx_address = SERVICES["nginx"]["networks"]["default"]["ipv4_address"]
    assert SERVICES["web"]["environment"]["TRUSTED_PROXIES"] == f"${{TRUSTED_PROXIES:-{nginx_address}}}"


def test_the_database_runs_the_major_version_of_the_images_pg_dump():
    server_major = SERVICES["db"]["image"].split(":")[1]
    client = re.search(r"postgresql-client-(\d+)", (BASE_DIR / "Dockerfile").read_text())
    assert client is not None
    assert client.group(1) == server_major


def _compose_client():
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_itself_finds_the_cluster_profile_valid():
    client = _compose_client()
    if client is None:
        pytest.skip("no compose client here (docker compose or docker-compose); the YAML was checked above")
    result = subprocess.run(
        [*client, "--profile", "cluster", "config", "--quiet"],
        cwd=BASE_DIR,
        env={"SECRET_KEY": "compose-config-check", "PII_KEY": "compose-config-check", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
