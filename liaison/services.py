"""Writes for groups and stations."""

from __future__ import annotations

from django.db import transaction

from congress.models import User
from deputies.models import new_public_token
from liaison.models import LiaisonStation


@transaction.atomic
def station_rotate_public_token(*, actor: User, station: LiaisonStation) -> LiaisonStation:
    """A new QR token for the station's poster: the old code stops working at once."""
    station.public_token = new_public_token()
    station._history_user = actor
    station.save(update_fields=["public_token"])
    return station
