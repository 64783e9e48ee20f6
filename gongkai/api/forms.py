from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("使用者"), max_length=100, help_text=_("单位或个人名称，及用途，如：省政务公开平台 数据汇聚")
    )
