"""Celery beat's scheduler, which also says that beat is alive: /healthz?full=1 and the metrics read the time of its
last tick (core/heartbeat.py), and the example alert fires when it is three minutes old (docs/operations.md)."""

from celery.beat import PersistentScheduler

from core.heartbeat import beat_tick_record


class TickRecordingScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        beat_tick_record()
        return super().tick(*args, **kwargs)
