"""The colon after a label and the marks joining a sentence's translated parts follow the interface's language."""

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template('{% load wording %}申请人{% colon %}张三{% punct "，" %}甲{% punct "；" %}乙{% punct "。" %}丙')


def test_chinese_keeps_its_full_width_marks_and_english_takes_its_own():
    with translation.override("zh-hans"):
        assert TEMPLATE.render(Context()) == "申请人：张三，甲；乙。丙"
    with translation.override("en"):
        assert TEMPLATE.render(Context()) == "申请人: 张三, 甲; 乙. 丙"
