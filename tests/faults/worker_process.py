"""A worker process for the fault tests, run as `python -m tests.faults.worker_process NAME`.

It takes its database and broker from the environment the test gives it. The broker gives back
a message left unacknowledged by a dead worker after FAULT_VISIBILITY seconds (hours in
production), and checks for such messages every second. With FAULT_PAUSE_FILE set, the
ranking writes that file and then waits, its rows written but not committed: the moment the
test kills the worker.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")
django.setup()

from congress import celery_app  # noqa: E402


def pause_inside_the_ranking(marker: Path) -> None:
    from scoring import warning_engine

    evaluate = warning_engine.warnings_evaluate

    def paused(**kwargs):
        marker.write_text(str(os.getpid()))
        time.sleep(600)
        return evaluate(**kwargs)

    # The ranking imports it as it runs, after its rows are written and before it commits.
    warning_engine.warnings_evaluate = paused


def main(name: str) -> None:
    visibility = int(os.environ.get("FAULT_VISIBILITY", "3"))
    celery_app.conf.broker_transport_options = {
        "visibility_timeout": visibility,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    celery_app.conf.task_always_eager = False
    if os.environ.get("FAULT_PAUSE_FILE"):
        pause_inside_the_ranking(Path(os.environ["FAULT_PAUSE_FILE"]))
    celery_app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            f"--hostname={name}@%h",
        ]
    )


if __name__ == "__main__":
    main(sys.argv[1])
