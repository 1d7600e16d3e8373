"""Sign-in by username or by mobile number: deputies know their phone, not a username."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from congress.models import User, phone_validator


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_by_sign_in_name(username)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def user_by_sign_in_name(name: str | None) -> User | None:
    """The account a sign-in form names: by username, else by mobile number."""
    if not name:
        return None
    user = User.objects.filter(username=name).first()
    if user is None and _looks_like_phone(name):
        user = User.objects.filter(phone=name).first()
    return user


def _looks_like_phone(value: str) -> bool:
    try:
        phone_validator(value)
    except ValidationError:
        return False
    return True
