"""Every periodic job, declared in this one place (django-celery-beat stores and runs them)."""

from celery.schedules import crontab

# Times are Asia/Shanghai. Per-congress jobs go through `run_for_each_congress`, which sends
# one task per active congress so that each runs inside its own scope.
BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "congress.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
    # The audit log past LVZHI_AUDIT_RETENTION_DAYS, for every congress at once.
    "prune-audit-log": {
        "task": "congress.audit.prune_audit_log",
        "schedule": crontab(hour=3, minute=40),
    },
    "prune-job-runs": {
        "task": "congress.tasks.run_for_each_congress",
        "schedule": crontab(hour=3, minute=20),
        "args": ("congress.tasks.prune_job_runs",),
    },
    "extend-reception-schedules": {
        "task": "congress.tasks.run_for_each_congress",
        "schedule": crontab(hour=2, minute=30),
        "args": ("liaison.reception_tasks.extend_reception_schedules",),
    },
    "daily-reminders": {
        "task": "congress.tasks.run_for_each_congress",
        "schedule": crontab(hour=8, minute=0),
        "args": ("liaison.reminders.send_daily_reminders",),
    },
    "suggestion-reminders": {
        "task": "congress.tasks.run_for_each_congress",
        "schedule": crontab(hour=8, minute=30),
        "args": ("suggestions.reminders.suggestion_reminders",),
    },
    "close-duty-quarters": {
        "task": "congress.tasks.run_for_each_congress",
        "schedule": crontab(hour=2, minute=0),
        "args": ("scoring.tasks.close_quarters",),
    },
    # After the duty job has ranked the past quarter.
    "quarterly-workbook": {
        "task": "congress.tasks.run_for_each_congress",
        "schedule": crontab(hour=3, minute=0),
        "args": ("reports.tasks.build_quarterly_workbook",),
    },
}
