"""Password rules in the interface's own words where Django's translation lags behind its source."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule; its error message (reworded in Django 5.0) has no Chinese translation in Django 5.2, so a
    clerk choosing a short password was told in English."""

    def get_error_message(self):
        return ngettext(
            "密码太短，至少需要%(min_length)d个字符。", "密码太短，至少需要%(min_length)d个字符。", self.min_length
        ) % {"min_length": self.min_length}
