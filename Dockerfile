# One image for the web server, the Celery worker and Celery beat: docker-compose.yml only changes the command.
# Bookworm named, not left to the tag: its postgresql-client-15 below must stay the database's major version.
FROM python:3.11-slim-bookworm

# No .pyc files written next to the (read-only) code, and logs reach `docker logs` at once, unbuffered.
# Gunicorn reads its worker count from WEB_CONCURRENCY; (2 x cores) + 1 is the usual rule, 3 suits a small county
# server. Override it per deployment (`-e WEB_CONCURRENCY=5`) instead of editing the command.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# The processes run as this unprivileged user; the code stays owned by root so that they cannot change it.
RUN groupadd --system --gid 1000 chunfeng \
    && useradd --system --uid 1000 --gid chunfeng --home-dir /app --no-create-home --shell /usr/sbin/nologin chunfeng

# pg_dump and pg_restore for `manage.py backup_database` and bin/restore-drill, of the same major version as the
# compose database (postgres:15): pg_dump refuses a server newer than itself (docs/operations.md, "Backups").
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Requirements first, so that a change to the code does not reinstall them. Every pinned package ships a wheel
# (psycopg2-binary, argon2-cffi), so no compiler is needed.
COPY requirements.txt .
RUN pip install --requirement requirements.txt

COPY . .

# Static files are collected into the image (var/static, served by WhiteNoise). Settings refuse to load with DEBUG
# off unless SECRET_KEY and PII_KEY are set, and DEBUG must be off here so that the hashed manifest the production
# storage needs is written. These values exist for this one command only and are never used at run time.
# var/ is then handed to the app user: the only place the processes may write (SQLite, beat schedule when embedded).
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-key-never-used-at-run-time-0123456789 \
    PII_KEY=build-only \
    python manage.py collectstatic --noinput \
    && chown chunfeng:chunfeng var

USER chunfeng

EXPOSE 8000

# No HEALTHCHECK here: the worker and beat share this image and serve no HTTP. docker-compose.yml checks the web
# service against /healthz. No control socket: gunicorn would put it under $HOME, which the app user cannot write.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--error-logfile", "-", \
     "--no-control-socket"]
