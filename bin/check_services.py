"""Stop `make test` at once, with a way out, when PostgreSQL or Redis is not reachable."""

import os
import sys
from urllib.parse import urlparse

import psycopg2
import redis
from redis.sentinel import Sentinel

HOW_TO_START = """
Start them with Docker:   docker compose up -d db redis
                          (then DATABASE_URL=postgres://chunfeng:chunfeng@127.0.0.1:5432/chunfeng make test)
or the system packages:   sudo apt-get install postgresql redis-server
                          sudo service postgresql start && sudo service redis-server start
or point the tests elsewhere with DATABASE_URL=postgres://user@host:5432/name REDIS_URL=redis://host:6379/15
"""


def _redis(redis_url):
    """The Redis the tests will use: with REDIS_SENTINELS, the master the sentinels name (REDIS_URL's host is then
    only a name, as in portal/settings.py)."""
    sentinels = [entry.strip() for entry in os.environ.get("REDIS_SENTINELS", "").split(",") if entry.strip()]
    if not sentinels:
        return redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    parsed = urlparse(redis_url)
    addresses = [(host, int(port)) for host, _colon, port in (entry.rpartition(":") for entry in sentinels)]
    return Sentinel(addresses, socket_timeout=3).master_for(
        os.environ.get("REDIS_SENTINEL_MASTER", "chunfeng"),
        socket_timeout=3,
        password=parsed.password,
        db=int(parsed.path.lstrip("/") or 0),
    )


def main():
    problems = []
    database_url = os.environ["DATABASE_URL"]
    parsed = urlparse(database_url)
    try:
        psycopg2.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as error:
        problems.append(f"PostgreSQL at {parsed.hostname}:{parsed.port or 5432} is not reachable: {error}".strip())
    redis_url = os.environ["REDIS_URL"]
    try:
        _redis(redis_url).ping()
    except redis.RedisError as error:
        problems.append(f"Redis at {redis_url} is not reachable: {error}")
    if problems:
        print("\n".join(problems) + "\n" + HOW_TO_START, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
