"""The portal served as in production for the benchmarks that talk HTTP: gunicorn, DEBUG off, static files collected
and served by WhiteNoise (hashed names, precompressed), against the database and Redis in the environment."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn(port, *, secret_key=None, **settings):
    """Yield the server's base URL. `secret_key` for a caller that makes sessions for it (a random one otherwise);
    `settings` are extra environment variables of the server."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "false",
        "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        "PII_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    with socket.socket() as probe:
        # A server left on the port would answer in this one's place (gunicorn retries binding for seconds).
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"port {port} is taken: stop what listens there or pass another port")
    python = Path(sys.executable)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=environment, check=True
    )
    workers = os.cpu_count() or 1
    server = subprocess.Popen(
        [
            python.parent / "gunicorn",
            "benchmarks.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        for _attempt in range(100):
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with {server.returncode}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(f"\ngunicorn: {workers} sync workers, DEBUG off, on 127.0.0.1:{port} {settings or ''}", flush=True)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
