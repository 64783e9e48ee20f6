"""The shared form fields of gongkai.core.forms."""

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency
from gongkai.core.forms import ModelChoiceField, ModelMultipleChoiceField


def test_a_selects_choices_are_read_as_one_list_without_a_server_side_cursor(prefecture, county):
    """Issue #15: Django reads a select's choices with `.iterator()`, which on PostgreSQL is a server-side cursor
    (DECLARE, FETCH, FETCH, CLOSE) for a list of a few names; the project's fields read them with one query."""

    class Form(forms.Form):
        agency = ModelChoiceField(queryset=Agency.objects.order_by("path"))
        others = ModelMultipleChoiceField(queryset=Agency.objects.order_by("path"), required=False)

    form = Form()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["agency"]) + str(form["others"])
    statements = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in statements if "DECLARE" in s.upper() or "FETCH" in s.upper()]
    assert len(statements) == 2  # one for each field
    assert html.count(county.name) == 2 and html.count(prefecture.name) == 2
    assert '<option value="" selected>请选择</option>' in html  # the empty choice (core.forms.FormRenderer names it)
    bound = Form({"agency": str(county.pk), "others": [str(prefecture.pk)]})
    assert bound.is_valid() and bound.cleaned_data["agency"] == county
    assert list(bound.cleaned_data["others"]) == [prefecture]
    assert not Form({"agency": "999999"}).is_valid()
