"""The liaison app's models: organisation, reception days, voter messages, group projects."""

from liaison.models.messages import *  # noqa: F403
from liaison.models.organisation import *  # noqa: F403
from liaison.models.projects import *  # noqa: F403
from liaison.models.reception import *  # noqa: F403
