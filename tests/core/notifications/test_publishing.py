"""The services start the notification tasks by name (core/notifications/publishing.py), so that the services never
import tasks.py: each name must be the task tasks.py defines, or a message would go nowhere."""

from core.notifications import publishing, tasks


def test_each_task_name_the_services_publish_is_the_task_in_tasks_py():
    # shared_task gives tasks.py a proxy; the registry holds the task it stands for.
    assert publishing.task(publishing.OUTBOX_SEND) is tasks.outbox_send._get_current_object()
    assert publishing.task(publishing.BROADCAST_FAN_OUT) is tasks.broadcast_fan_out._get_current_object()
