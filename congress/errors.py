"""The one exception type for refused business actions, shown as a message in pages and API."""


class DomainError(Exception):
    """A business rule refused the action; `message` is shown to the user as it is."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        field: str | None = None,
        version: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        # A conflict's current version: the page that shows the change offers it to send again.
        self.version = version


def full_clean_or_refuse(instance, **options) -> None:
    """Run the model's validation; its first problem becomes a DomainError on that field.

    `options` go to `full_clean` (exclude, validate_unique, validate_constraints).
    """
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**options)
    except ValidationError as error:
        first_field, messages = next(iter(error.message_dict.items()))
        field = None if first_field == "__all__" else first_field
        raise DomainError(" ".join(messages), field=field) from error
