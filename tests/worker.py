"""A real Celery worker for tests: the embedded mode's file broker, or Redis in the server mode."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from django.conf import settings

from congress import celery_app


def use_test_broker() -> None:
    """Send the test run's messages to a folder of its own (embedded mode).

    Called before anything connects: a developer's running worker must never take them, and
    a producer pool made early in the run must point where the test worker listens.
    """
    if settings.REDIS_URL:
        return
    broker_dir = Path(tempfile.mkdtemp(prefix="lvzhi-test-broker-"))
    atexit.register(shutil.rmtree, broker_dir, ignore_errors=True)
    for folder in ("out", "processed", "control"):
        (broker_dir / folder).mkdir()
    celery_app.conf.broker_transport_options = {
        "data_folder_in": str(broker_dir / "out"),
        "data_folder_out": str(broker_dir / "out"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }


@contextmanager
def real_worker():
    app = celery_app
    app.conf.task_always_eager = False
    with app.connection_for_write() as connection:
        # Messages left by an earlier, interrupted run would name rows that no longer exist.
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"
        ):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(condition, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Gave up after {timeout} s waiting for {condition.__doc__ or condition}")
