"""Background jobs of the roster app; Celery finds jobs through this module."""

from deputies import import_tasks  # noqa: F401
