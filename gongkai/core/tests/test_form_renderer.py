"""Every select's empty first choice says what it means (core.forms.FormRenderer, settings.FORM_RENDERER)."""

import pytest
from django import forms

from gongkai.agencies.models import Agency
from gongkai.core.forms import ModelChoiceField

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[("", "---------"), ("a", "甲")])
    parent = ModelChoiceField(label="上级机关", queryset=Agency.objects.all(), required=False)
    scope = forms.ChoiceField(label="范围", choices=[("", "全部"), ("a", "甲")], required=False)


def test_a_required_select_asks_for_a_choice_and_an_optional_one_offers_none():
    html = str(_Form())
    assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in html  # 类别, required
    assert '<option value="">（无）</option>' in html or '<option value="" selected>（无）</option>' in html
    # A choice with its own words keeps them.
    assert '<option value="" selected>全部</option>' in html


def test_a_form_re_rendered_with_its_errors_keeps_the_words():
    form = _Form(data={"kind": ""})
    assert not form.is_valid() and "请选择" in str(form) and "---------" not in str(form)


def test_a_choice_with_no_safe_default_must_be_made():
    """Whom to consult (条例 第三十二条 third party, or another agency) and a reconsideration's result start at
    请选择 (core.forms.blank_choice): a form sent as it first showed is refused, not saved with the first option."""
    from gongkai.appeals.forms import DecisionForm
    from gongkai.applications.forms import ConsultationStartForm

    for form_class, name in ((ConsultationStartForm, "kind"), (DecisionForm, "result")):
        html = str(form_class()[name])
        assert '<option value="" selected>请选择</option>' in html, form_class
        bound = form_class(data={name: ""})
        assert not bound.is_valid() and name in bound.errors, form_class


def test_an_optional_choice_of_its_own_reads_none_as_the_others_do():
    """解读形式 may stay empty: its first choice reads （无）, as every optional select's does (it read "—")."""
    from gongkai.catalogue.forms import ItemForm

    form = ItemForm(agency=Agency(pk=1), linkable=None)
    assert '<option value="" selected>（无）</option>' in str(form["interpretation_form"])
