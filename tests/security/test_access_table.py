"""Every URL pattern, every role, GET and POST, against a declared table (issue #15).

The walk takes the patterns from Django's resolver, so a new route without an entry in ROUTES fails
`test_every_route_is_declared`. Parameters are filled with records of 州政府 (the demo's agency of the
clerk, the supervisor and the agency administrator); the demo's 凯里市 clerk is staff of another agency and
must not reach them. What each audience means:

- PUBLIC: anyone reads it (GET 200 without logging in).
- STAFF: staff who may see the record read it (the agency's clerk, the supervisor, the site administrator);
  another agency's staff get 403 or 404; visitors are sent to the login page.
- ACTING: only staff who act in the agency (clerk, site administrator) open it; the supervisor gets 403.
- PUBLISHER: the agency's reviewers and approvers (publishing participation records); a clerk gets 403.
- AGENCY_ADMIN: the agency's administrator and the site administrator; a clerk or supervisor gets 403.
- SITE_ADMIN: the site administrator only.
- SUPERVISION: a supervisor's own oversight work (年报审查: uploading and confirming the reports of the agencies
  below, `@supervision_post` in accounts/staff.py): staff who see the agency read it, and the supervisor may
  also POST (an empty POST gets the form back with its errors and changes nothing); visitors and another
  agency's staff (for a named record) are refused.
- ACCOUNT: the login, logout, language and agency-switcher endpoints, checked by their own tests.

For every staff route, a POST from a visitor, from the supervisor (read-only, docs/access.md) and, for a route
naming a record, from another agency's staff is refused; nothing they post changes anything.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongkai.accounts.models import User
from gongkai.analytics.middleware import EXCLUDED_PREFIXES
from gongkai.analytics.pages import page_name
from gongkai.audit.models import AuditEvent
from tests.security.access_world import build_world

PUBLIC, STAFF, ACTING, PUBLISHER, AGENCY_ADMIN, SITE_ADMIN, SUPERVISION, ACCOUNT = (
    "public", "staff", "acting", "publisher", "agency_admin", "site_admin", "supervision", "account",
)  # fmt: skip


@dataclass(frozen=True)
class Route:
    audience: str
    params: dict = field(default_factory=dict)  # URL keyword -> key of the world (or a literal with "=")
    post_only: bool = False
    ok: tuple = (200,)  # what an allowed GET answers


def R(audience, post_only=False, ok=(200,), **params):  # noqa: N802 - reads as a table
    return Route(audience, params, post_only, ok)


ROUTES: dict[str, Route] = {
    "set_language": R(ACCOUNT),
    "sitemap": R(PUBLIC),
    # The portal.
    "portal:home": R(PUBLIC),
    "portal:directory": R(PUBLIC),
    "portal:agency": R(PUBLIC, slug="slug"),
    "portal:language": R(ACCOUNT),  # the language switch (a redirect setting a cookie)
    "portal:favicon": R(PUBLIC),
    "applications:track": R(PUBLIC),
    "applications:letter": R(PUBLIC, code="tracking_code", letter_id="letter", fmt="=pdf"),
    "applications:receipt": R(PUBLIC, code="tracking_code"),  # the tracking code is the secret
    # The applicant's answer to a correction notice (POST only, with the tracking code; 条例 第三十条).
    "applications:correction": R(PUBLIC, post_only=True, code="tracking_code"),
    "applications:reply_file": R(PUBLIC, code="reply_tracking_code", file_id="reply_file"),
    "applications:submitted": R(PUBLIC, ok=(302,)),  # without the receipt cookie of a submission: back to the home page
    "applications:apply": R(PUBLIC, slug="slug"),
    "catalogue:search": R(PUBLIC),
    "catalogue:item": R(PUBLIC, pk="item"),
    "catalogue:item_print": R(PUBLIC, pk="item"),
    "catalogue:attachment": R(PUBLIC, pk="item", attachment_pk="public_attachment"),
    "catalogue:sitemap": R(PUBLIC),
    "catalogue:browse": R(PUBLIC, slug="slug"),
    "catalogue:guide": R(PUBLIC, slug="slug"),
    "catalogue:feed": R(PUBLIC, slug="slug"),
    "catalogue:browse_category": R(PUBLIC, slug="slug", category="category_code"),
    "catalogue:feed_category": R(PUBLIC, slug="slug", category="category_code"),
    "participation:home": R(PUBLIC, slug="slug"),
    "participation:concerns": R(PUBLIC, slug="slug"),
    "participation:concern": R(PUBLIC, slug="slug", pk="concern"),
    "participation:consultations": R(PUBLIC, slug="slug"),
    "participation:consultation": R(PUBLIC, slug="slug", pk="consultation"),
    "participation:interpretations": R(PUBLIC, slug="slug"),
    "participation:interpretation": R(PUBLIC, slug="slug", pk="interpretation"),
    "participation:surveys": R(PUBLIC, slug="slug"),
    "participation:survey": R(PUBLIC, slug="slug", pk="survey"),
    "gazette:issues": R(PUBLIC, slug="slug"),
    "gazette:issue": R(PUBLIC, slug="slug", pk="issue"),
    "gazette:issue_pdf": R(PUBLIC, slug="slug", pk="issue"),
    "enforcement:penalties": R(PUBLIC, slug="slug"),
    "enforcement:penalty": R(PUBLIC, slug="penalty_slug", pk="penalty"),
    "enforcement:licensing": R(PUBLIC, slug="slug"),
    "enforcement:fees": R(PUBLIC, slug="slug"),
    "annual_reports_public:index": R(PUBLIC, slug="slug"),
    "annual_reports_public:report": R(PUBLIC, slug="slug", year="report_year"),
    "annual_reports_public:download": R(PUBLIC, slug="slug", year="report_year", fmt="=json"),
    # The open-data API (/api/v1/, anyone, keys only raise the rate limit) and the bulk files (/data/).
    "api_home": R(PUBLIC, ok=(302,)),  # to the API reference
    "api-v1:api-root": R(PUBLIC, ok=(302,)),  # the same address: answered by api_home's redirect
    "api-v1:openapi-json": R(PUBLIC),
    "api-v1:openapi-view": R(PUBLIC),
    "api-v1:agencies": R(PUBLIC),
    "api-v1:agency": R(PUBLIC, slug="slug"),
    "api-v1:guide": R(PUBLIC, slug="slug"),
    "api-v1:items": R(PUBLIC),
    "api-v1:item": R(PUBLIC, item_id="item"),
    "api-v1:interpretations": R(PUBLIC, slug="slug"),
    "api-v1:concerns": R(PUBLIC, slug="slug"),
    "api-v1:concern": R(PUBLIC, slug="slug", record_id="concern"),
    "api-v1:consultations": R(PUBLIC, slug="slug"),
    "api-v1:consultation": R(PUBLIC, slug="slug", record_id="consultation"),
    "api-v1:surveys": R(PUBLIC, slug="slug"),
    "api-v1:survey": R(PUBLIC, slug="slug", record_id="survey"),
    "api-v1:gazette_issues": R(PUBLIC, slug="slug"),
    "api-v1:gazette_issue": R(PUBLIC, slug="slug", record_id="issue"),
    "api-v1:penalties": R(PUBLIC, slug="slug"),
    "api-v1:licensing": R(PUBLIC, slug="slug"),
    "api-v1:fees": R(PUBLIC, slug="slug", ok=(400,)),  # ?year= is required: without it, the problem document
    "api-v1:annual_reports": R(PUBLIC, slug="slug"),
    "api-v1:annual_report": R(PUBLIC, slug="slug", year="report_year"),
    "api-v1:rollup": R(PUBLIC, slug="slug", year="report_year"),
    "api-v1:statistics": R(PUBLIC, slug="slug", year="report_year"),
    "opendata:downloads": R(PUBLIC),
    "opendata:bulk_file": R(PUBLIC, slug="slug", filename="bulk_filename"),
    "opendata:report_export": R(PUBLIC, slug="slug", year="report_year", scope="=agency", fmt="=json"),
    # The back office shell.
    "backoffice:dashboard": R(STAFF),
    "backoffice:login": R(ACCOUNT),
    "backoffice:logout": R(ACCOUNT),
    "backoffice:switch_agency": R(ACCOUNT),
    "backoffice:agencies": R(STAFF),
    "backoffice:agency_new": R(SITE_ADMIN),
    "backoffice:agency": R(STAFF, pk="agency"),
    "backoffice:agency_edit": R(AGENCY_ADMIN, pk="agency"),
    "backoffice:agency_people": R(AGENCY_ADMIN, pk="agency"),
    "backoffice:users": R(STAFF),  # each sees the users of the agencies they see
    "backoffice:user": R(SITE_ADMIN, pk="user"),
    "backoffice:user_password": R(SITE_ADMIN, pk="user"),  # 重置密码
    "backoffice:user_active": R(SITE_ADMIN, post_only=True, pk="user"),  # 停用 / 启用
    "backoffice:password_change": R(ACCOUNT),  # one's own password (backoffice/tests/test_accounts.py)
    "backoffice:calendar": R(STAFF),
    "backoffice:calendar_maintain": R(SITE_ADMIN),
    "backoffice:history": R(STAFF, object_type="=applications.application", object_id="application"),
    "backoffice:audit": R(STAFF),
    "inbox:inbox": R(STAFF),
    "notices:list": R(STAFF),  # the notices of the agencies the user sees, recipients masked
    "notices:action": R(ACTING, post_only=True, pk="notice", name="=retry"),  # 重新发送 a failed notice
    "notices:preferences": R(ACCOUNT),  # one's own daily-digest setting (inbox/tests/test_digest.py)
    "notices:templates": R(STAFF),  # read by all; the edit links only for the agency administrator
    "notices:template_edit": R(AGENCY_ADMIN, event="notice_event", channel="notice_channel"),
    "jobs:list": R(SITE_ADMIN),
    "jobs:detail": R(SITE_ADMIN, name="job_name"),
    "jobs:run": R(SITE_ADMIN, post_only=True, name="job_name"),  # 立即运行
    "api_staff:keys": R(SITE_ADMIN),
    "api_staff:key_action": R(SITE_ADMIN, post_only=True, pk="api_key", name="=revoke"),
    # Applications.
    "applications_staff:queue": R(STAFF),
    "applications_staff:export": R(STAFF),
    "applications_staff:export_xlsx": R(STAFF),
    "applications_staff:remedies": R(AGENCY_ADMIN),  # 条例 第五十一条: administrators and approvers
    "applications_staff:sign_off": R(AGENCY_ADMIN),  # which replies need the approver's sign-off (internal control)
    "applications_staff:register": R(ACTING),
    "applications_staff:templates": R(AGENCY_ADMIN),
    "applications_staff:template_edit": R(AGENCY_ADMIN, kind="=correction"),
    "applications_staff:template_edit_group": R(AGENCY_ADMIN, kind="=reply", group="=disclosed"),
    "applications_staff:detail": R(STAFF, pk="application"),
    "applications_staff:action": R(ACTING, post_only=True, pk="application", name="=assign"),
    # A folded action's form, fetched by htmx when opened; a plain GET (a new tab) goes to the case page.
    "applications_staff:action_form": R(ACTING, ok=(302,), pk="application", name="=assign"),
    "applications_staff:letter": R(STAFF, pk="application", letter_id="letter", fmt="=pdf"),
    "applications_staff:attachment": R(STAFF, pk="application", attachment_id="application_attachment"),
    "applications_staff:reply_file": R(STAFF, pk="reply_application", file_id="reply_file"),
    # Appeals.
    "appeals:list": R(STAFF),
    "appeals:reconsideration_new": R(ACTING),
    "appeals:reconsideration": R(STAFF, pk="reconsideration"),
    "appeals:lawsuit_new": R(ACTING),
    "appeals:lawsuit": R(STAFF, pk="lawsuit"),
    "appeals:reconsideration_document": R(STAFF, pk="reconsideration", document_id="r_document"),
    "appeals:lawsuit_document": R(STAFF, pk="lawsuit", document_id="l_document"),
    # The catalogue.
    "catalogue_staff:items": R(STAFF),
    "catalogue_staff:item_new": R(ACTING),
    "catalogue_staff:item": R(STAFF, pk="draft"),
    "catalogue_staff:item_edit": R(ACTING, pk="draft"),
    "catalogue_staff:item_submit": R(ACTING, post_only=True, pk="draft"),
    "catalogue_staff:item_approve": R(ACTING, post_only=True, pk="draft"),
    "catalogue_staff:item_reject": R(ACTING, post_only=True, pk="draft"),
    "catalogue_staff:item_withdraw": R(ACTING, post_only=True, pk="item"),
    "catalogue_staff:item_reopen": R(ACTING, post_only=True, pk="item"),
    "catalogue_staff:item_restore": R(ACTING, post_only=True, pk="item"),
    "catalogue_staff:item_validity": R(ACTING, post_only=True, pk="item"),
    "catalogue_staff:item_recheck": R(ACTING, post_only=True, pk="draft"),
    "catalogue_staff:attachment_upload": R(ACTING, post_only=True, pk="draft"),
    "catalogue_staff:attachment": R(STAFF, pk="draft", attachment_pk="draft_attachment"),
    "catalogue_staff:attachment_delete": R(ACTING, post_only=True, pk="draft", attachment_pk="draft_attachment"),
    "catalogue_staff:finding_override": R(ACTING, post_only=True, pk="finding_item", finding_pk="finding"),
    "catalogue_staff:version_diff": R(STAFF, pk="version_item", number="=2"),
    "catalogue_staff:monitoring": R(STAFF),
    "catalogue_staff:settings": R(AGENCY_ADMIN),
    "catalogue_staff:category_edit": R(AGENCY_ADMIN, pk="category_pk"),
    "catalogue_staff:guide": R(AGENCY_ADMIN),
    "catalogue_staff:synonyms": R(SITE_ADMIN),
    "catalogue_staff:synonym_delete": R(SITE_ADMIN, post_only=True, pk="synonym"),
    "catalogue_staff:import": R(AGENCY_ADMIN),  # administrators and approvers import
    "catalogue_staff:import_progress": R(AGENCY_ADMIN, pk="import_job"),
    "catalogue_staff:import_step": R(AGENCY_ADMIN, post_only=True, pk="import_job"),
    # Participation.
    "participation_staff:list": R(STAFF),
    "participation_staff:feedback": R(PUBLISHER, pk="consultation"),
    "participation_staff:moderate": R(ACTING, post_only=True, pk="consultation", comment_pk="comment"),
    "participation_staff:question_new": R(ACTING, pk="survey"),
    "participation_staff:export": R(STAFF, pk="survey", fmt="=csv"),
    # 条例 第四十四条: a case turned into a catalogue draft, by staff who handle it and draft catalogue items.
    "participation_staff:article44_draft": R(ACTING, pk="application"),
    "participation_staff:interpretations": R(STAFF),
    "participation_staff:interpretation_new": R(ACTING),
    "participation_staff:interpretation": R(STAFF, pk="interpretation"),
    "participation_staff:interpretation_edit": R(ACTING, pk="interpretation_draft"),
    "participation_staff:interpretation_action": R(ACTING, post_only=True, pk="interpretation", action="=withdraw"),
    "participation_staff:kind_list": R(STAFF, kind="=consultations"),
    "participation_staff:new": R(ACTING, kind="=consultations"),
    "participation_staff:detail": R(STAFF, kind="=consultations", pk="consultation"),
    "participation_staff:edit": R(ACTING, kind="=consultations", pk="consultation"),
    "participation_staff:action": R(
        ACTING, post_only=True, kind="=consultations", pk="consultation", action="=withdraw"
    ),
    # The gazette.
    "gazette_staff:issues": R(STAFF),
    "gazette_staff:issue_new": R(ACTING),
    "gazette_staff:issue": R(STAFF, pk="issue"),
    "gazette_staff:issue_edit": R(ACTING, pk="issue"),
    "gazette_staff:remove_document": R(ACTING, post_only=True, pk="issue", entry_pk="entry"),
    "gazette_staff:issue_action": R(ACTING, post_only=True, pk="issue", action="=return"),
    # Enforcement disclosure (第二十条 records).
    "enforcement_staff:decisions": R(STAFF),
    "enforcement_staff:decision_new": R(ACTING),
    "enforcement_staff:decision": R(STAFF, pk="decision"),
    "enforcement_staff:decision_edit": R(ACTING, pk="decision"),
    "enforcement_staff:decision_publication": R(ACTING, post_only=True, pk="decision", action="=unpublish"),
    "enforcement_staff:fees": R(STAFF),
    "enforcement_staff:fee_new": R(ACTING),
    "enforcement_staff:fee_edit": R(ACTING, pk="fee_record"),
    "enforcement_staff:import": R(ACTING, what="=decisions"),
    "enforcement_staff:template": R(STAFF, what="=decisions"),
    # Statistics and supervision.
    "analytics:overview": R(STAFF),
    "supervision:dashboard": R(STAFF),
    "supervision:application_alerts": R(STAFF, state="=overdue"),
    "supervision:annual_reports": R(STAFF),
    "supervision:catalogue_records": R(STAFF, kind="=review-backlog"),
    "supervision:accounts": R(STAFF),
    "supervision:account_new": R(ACTING),
    "supervision:account_import": R(ACTING),
    "supervision:account": R(STAFF, pk="account"),
    "supervision:account_edit": R(ACTING, pk="account"),
    "supervision:training": R(STAFF),
    "supervision:training_new": R(ACTING),
    "supervision:training_edit": R(ACTING, pk="training"),
    "supervision:inspections": R(STAFF),
    "supervision:inspection_new": R(ACTING),
    "supervision:inspection": R(STAFF, pk="inspection"),
    "supervision:problems": R(STAFF),
    "supervision:problem": R(STAFF, pk="problem"),
    "supervision:problem_move": R(ACTING, post_only=True, pk="problem"),
    "supervision:site_check": R(STAFF),
    # Annual reports.
    "annual_reports:list": R(STAFF),
    "annual_reports:create": R(ACTING, post_only=True),
    "annual_reports:rollup": R(STAFF),
    "annual_reports:detail": R(STAFF, pk="report"),
    "annual_reports:edit": R(ACTING, pk="report"),
    "annual_reports:transition": R(ACTING, post_only=True, pk="report", action="=review"),
    "annual_reports:cell": R(STAFF, pk="report", address="cell_address"),
    "annual_reports:export": R(STAFF, pk="report", fmt="=pdf"),
    # Report intake and audit (年报审查): the supervising office's own work.
    "annual_reports:imports": R(STAFF),
    "annual_reports:import_upload": R(SUPERVISION),
    "annual_reports:import_detail": R(STAFF, pk="imported_report"),
    "annual_reports:import_confirm": R(SUPERVISION, pk="imported_report"),
    "annual_reports:audit_overview": R(STAFF),
    "annual_reports:compare": R(STAFF),
}


def walk_patterns(patterns=None, prefix="", namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}".strip(":")


def test_every_route_is_declared():
    found = {name for _route, name in walk_patterns()}
    assert sorted(found - set(ROUTES)) == [], "add the new routes to ROUTES with who may use them"
    assert sorted(set(ROUTES) - found) == [], "remove routes that no longer exist from ROUTES"


def url_of(name: str, route: Route, world: dict) -> str:
    kwargs = {key: value[1:] if value.startswith("=") else world[value] for key, value in route.params.items()}
    return reverse(name, kwargs=kwargs)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/staff/login/" in response["Location"]


def expected_get(route: Route, role: str, names_record: bool) -> set[int] | str:
    """The statuses a GET may answer for the role: a set, or 'login' for the login redirect."""
    allowed = set(route.ok)
    if route.post_only:
        return {405} if role != "visitor" else {405, "login"}
    if route.audience == PUBLIC:
        return allowed
    if role == "visitor":
        return {"login"}
    if role == "siteadmin":
        return allowed
    if role == "other":
        if route.audience == SITE_ADMIN:
            return {403}
        if route.audience in (AGENCY_ADMIN, PUBLISHER):
            return {403, 404}
        return {403, 404} if names_record else allowed
    may = {
        STAFF: {"clerk", "reviewer", "supervisor", "agencyadmin"},
        SUPERVISION: {"clerk", "reviewer", "supervisor", "agencyadmin"},
        ACTING: {"clerk", "reviewer", "agencyadmin"},
        PUBLISHER: {"reviewer"},
        AGENCY_ADMIN: {"agencyadmin"},
        SITE_ADMIN: set(),
    }[route.audience]
    # Refused: 403, or 404 where the record itself is out of the role's reach (its existence is not revealed).
    return allowed if role in may else ({403, 404} if names_record else {403})


ROLES = {
    "clerk": "clerk",
    "supervisor": "supervisor",
    "agencyadmin": "agencyadmin",
    "siteadmin": "siteadmin",
    "other": "kaili-clerk",
}


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    settings.API_RATE_PER_MINUTE = 0  # the walk is many requests from one address; the limit has its own tests
    return build_world()


def clients() -> dict[str, Client]:
    result = {"visitor": Client()}
    for role, username in ROLES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        result[role] = client
    return result


def is_counted_page(response) -> bool:
    """A page the portal's visit statistics count (analytics/middleware.py should_count), for an anonymous GET."""
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.wsgi_request.path.startswith(EXCLUDED_PREFIXES)
    )


def status_matches(response, expected) -> bool:
    if "login" in expected and is_login_redirect(response):
        return True
    return response.status_code in expected


def test_every_role_gets_what_the_table_declares_and_supervisors_and_strangers_post_nothing(world):
    users = clients()
    failures = []
    dashes = set()  # pages whose select still offers Django's "---------" (core.forms.FormRenderer names it)
    unnamed = set()  # public pages 访问统计's 热门页面 could show only as a path (core.registry.register_page_names)
    events_before = AuditEvent.objects.count()
    for _pattern, name in walk_patterns():
        route = ROUTES[name]
        if route.audience == ACCOUNT:
            continue
        url = url_of(name, route, world)
        names_record = any(not v.startswith("=") and v not in ("slug",) for v in route.params.values())
        for role, client in users.items():
            expected = expected_get(route, role, names_record)
            response = client.get(url)
            if not status_matches(response, expected):
                failures.append(f"GET  {url} as {role}: {response.status_code}, expected {sorted(map(str, expected))}")
            if response.status_code == 200 and not response.streaming and b">---------</option>" in response.content:
                dashes.add(url)
            if role == "visitor" and route.audience == PUBLIC and is_counted_page(response) and not page_name(url)[0]:
                unnamed.add(name)
        if route.audience == PUBLIC:
            continue
        refused = {"visitor": {"login", 403, 405}, "supervisor": {403, 405}}
        if route.audience == SUPERVISION:  # the supervisor's own work: an empty POST is the form with its errors
            refused["supervisor"] = {200, 400}
        if names_record:
            refused["other"] = {403, 404, 405}
        for role, expected in refused.items():
            response = users[role].post(url, {})
            if not status_matches(response, expected):
                failures.append(f"POST {url} as {role}: {response.status_code}, expected {sorted(map(str, expected))}")
            if response.status_code == 200 and not response.streaming and b">---------</option>" in response.content:
                dashes.add(url)
    print("\n".join(failures))
    assert failures == []
    assert sorted(dashes) == []
    assert sorted(unnamed) == [], "name these pages with register_page_names in their app's ready()"
    # Nothing the refused posts asked for was done.
    assert AuditEvent.objects.count() == events_before
