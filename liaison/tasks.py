"""The liaison app's background jobs, imported here so that the worker discovers them."""

from liaison.reception_tasks import extend_reception_schedules
from liaison.reminders import send_daily_reminders

__all__ = ["extend_reception_schedules", "send_daily_reminders"]
