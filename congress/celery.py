"""The Celery application: Django's settings, the schedules, and the base every task shares."""

import os

from celery import Celery, Task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")


class ServiceUnavailable(Exception):
    """An outside service (a text-message gateway, a mail server) did not answer this time.

    Raise it from a task for a failure that may pass: the task is tried again later.
    """


# Failures that pass on their own: the database restarting or failing over, a dropped
# connection, Redis or the broker away for a moment, a gateway that did not answer. Anything
# else is a fault in the task or its data, and trying again would only repeat it.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    ServiceUnavailable,
)


class ReliableTask(Task):
    """The base of every task of the project, whether declared with `shared_task` or
    `congress_task`, so a new task cannot forget these.

    A message is acknowledged only once its task has finished, and given back when the worker
    dies, so a worker killed mid-run leaves it to be delivered again (each task is written to
    be run twice safely). A transient failure is tried again after about 2, 4, 8... seconds
    (at most five minutes, spread at random so that many tasks do not all come back at once),
    five times.
    """

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5


app = Celery("lvzhi", task_cls=ReliableTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def install_schedules(sender, **kwargs):
    from congress.schedules import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
