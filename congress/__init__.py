"""履职通: the project package and the tenant app (congresses, users, roles, audit, jobs)."""

from congress.celery import app as celery_app

__all__ = ["celery_app"]
