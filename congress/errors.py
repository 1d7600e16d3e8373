"""The one exception type for refused business actions, shown as a message in pages and API."""


class DomainError(Exception):
    """A business rule refused the action; `message` is shown to the user as it is."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
