"""The suggestions app's models: handling units, sessions and categories, suggestions, handling."""

from suggestions.models.handling import *  # noqa: F403
from suggestions.models.sessions import *  # noqa: F403
from suggestions.models.suggestion import *  # noqa: F403
from suggestions.models.units import *  # noqa: F403
