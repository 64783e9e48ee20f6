"""Who sees and changes what: the access functions and the pages that rely on them."""

import pytest

from gongkai.accounts.access import (
    agencies_visible_to,
    agency_can_edit,
    user_can_see_agency,
    user_has_role,
)
from gongkai.accounts.models import Role
from gongkai.accounts.services import role_grant
from gongkai.core.errors import AccessDenied


def test_a_clerk_sees_only_their_own_agency(tree, alice):
    assert set(agencies_visible_to(alice)) == {tree["prefecture"]}
    assert not user_can_see_agency(alice, tree["county"])


def test_a_clerk_of_one_agency_never_sees_another_agencys_pages(tree, kim, login):
    client = login(kim)
    assert client.get(f"/staff/agencies/{tree['county'].pk}/").status_code == 200
    for other in ("prefecture", "office", "finance", "county_department"):
        assert client.get(f"/staff/agencies/{tree[other].pk}/").status_code == 404, other
    listing = client.get("/staff/agencies/").content.decode()
    assert "凯里市人民政府" in listing
    assert "黔东南州财政局" not in listing


def test_a_supervisor_sees_the_whole_subtree_and_changes_nothing(tree, sue, login):
    assert set(agencies_visible_to(sue)) == set(tree.values())
    assert not user_has_role(sue, tree["prefecture"])
    assert not agency_can_edit(sue, tree["county"])
    client = login(sue)
    assert client.get(f"/staff/agencies/{tree['county_department'].pk}/").status_code == 200
    assert client.get(f"/staff/agencies/{tree['county'].pk}/edit/").status_code == 403
    assert client.post(f"/staff/agencies/{tree['county'].pk}/edit/", {"name": "x"}).status_code == 403
    assert client.get(f"/staff/agencies/{tree['prefecture'].pk}/people/").status_code == 403


def test_a_supervisor_of_a_county_does_not_see_the_prefecture(tree, login):
    from conftest import make_user

    county_supervisor = make_user("cs", (tree["county"], Role.SUPERVISOR))
    assert set(agencies_visible_to(county_supervisor)) == {tree["county"], tree["county_department"]}


def test_an_agency_administrator_edits_their_agency_but_not_others(tree, adam):
    assert agency_can_edit(adam, tree["prefecture"])
    assert not agency_can_edit(adam, tree["finance"])


def test_only_an_agencys_administrator_grants_roles_there(tree, adam, alice, kim):
    role_grant(actor=adam, user=kim, agency=tree["prefecture"], role=Role.REVIEWER)
    assert user_has_role(kim, tree["prefecture"], Role.REVIEWER)
    with pytest.raises(AccessDenied):
        role_grant(actor=alice, user=kim, agency=tree["prefecture"], role=Role.APPROVER)
    with pytest.raises(AccessDenied):
        role_grant(actor=adam, user=alice, agency=tree["county"], role=Role.CLERK)


def test_a_site_administrator_sees_and_edits_everything(tree, sam, login):
    assert set(agencies_visible_to(sam)) == set(tree.values())
    client = login(sam)
    assert client.get(f"/staff/agencies/{tree['county_department'].pk}/edit/").status_code == 200
    assert client.get("/staff/agencies/new/").status_code == 200


def test_anonymous_visitors_see_no_staff_page(tree, client):
    for url in ("/staff/", "/staff/agencies/", f"/staff/agencies/{tree['prefecture'].pk}/", "/staff/calendar/"):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login/" in response["Location"], url


def test_inactive_users_lose_all_access(tree, alice):
    alice.is_active = False
    alice.save()
    assert not agencies_visible_to(alice).exists()
    assert not user_has_role(alice, tree["prefecture"])


def test_the_switcher_is_read_with_the_roles_in_one_query(tree, alice, sam, django_assert_num_queries):
    """Issue #15: the back office's agency switcher took a query of its own on every staff page; it is read with
    the roles every access check reads anyway. An agency made inactive leaves both; a site administrator is
    still offered the roots."""
    from gongkai.accounts.models import User
    from gongkai.accounts.staff import switchable_agencies

    role_grant(actor=sam, user=alice, agency=tree["county"], role=Role.CLERK)
    user = User.objects.get(pk=alice.pk)
    with django_assert_num_queries(1):
        offered = switchable_agencies(user)
        assert user_has_role(user, tree["county"]) and user_can_see_agency(user, tree["prefecture"])
    assert offered == [tree["prefecture"], tree["county"]]  # in the tree's order
    tree["county"].is_active = False
    tree["county"].save(update_fields=["is_active"])
    user = User.objects.get(pk=alice.pk)
    assert switchable_agencies(user) == [tree["prefecture"]] and not user_has_role(user, tree["county"])
    admin = User.objects.get(pk=sam.pk)
    assert tree["prefecture"] in switchable_agencies(admin)
