"""Django validators for the national identifiers, with messages a clerk or citizen understands."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.identifiers import is_valid_credit_code, is_valid_resident_id


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(
            _("统一社会信用代码“%(value)s”无效：应为18位，且最后一位校验码须符合GB 32100。"),
            code="invalid_credit_code",
            params={"value": value},
        )


def validate_resident_id(value: str) -> None:
    if not is_valid_resident_id(value, today=timezone.localdate()):
        raise ValidationError(
            _("居民身份证号码“%(value)s”无效：应为18位，出生日期真实，且最后一位校验码须符合GB 11643。"),
            code="invalid_resident_id",
            params={"value": value},
        )
