"""What /healthz reports: each backing service the portal is configured with, and whether it answers."""

import redis
from django.conf import settings
from django.db import connections
from django.db.utils import DatabaseError

UP, DOWN, NOT_CONFIGURED = "up", "down", "not configured"


def database_status():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return DOWN
    return UP


def redis_status():
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return DOWN
    finally:
        client.close()
    return UP


def service_statuses():
    return {"database": database_status(), "redis": redis_status()}
