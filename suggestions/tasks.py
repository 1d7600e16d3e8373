"""The suggestions app's background jobs, imported here so that the worker discovers them."""

from suggestions.reminders import suggestion_reminders

__all__ = ["suggestion_reminders"]
