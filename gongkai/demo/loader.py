"""Loading the demo: every record goes through the same services staff use, so the audit trail is real.

Each step looks for what it would create and skips what exists, so loading twice changes nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gongkai.accounts.models import Role, RoleAssignment, User
from gongkai.accounts.services import role_grant, user_create
from gongkai.agencies.models import Agency
from gongkai.agencies.services import agency_create, agency_update
from gongkai.demo import agencies as data
from gongkai.demo import annual_reports as demo_annual_reports
from gongkai.demo import appeals as demo_appeals
from gongkai.demo import applications as demo_applications
from gongkai.demo import catalogue as catalogue_demo
from gongkai.demo import participation, supervision

# The demo is for trying the platform on a laptop; a real deployment never runs demo_load.
DEMO_PASSWORD = "Gongkai@2024demo"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    job_title: str
    roles: tuple[tuple[str, str], ...]  # (agency slug, role)
    site_admin: bool = False

    @property
    def description(self) -> str:
        if self.site_admin:
            return "系统管理员"
        return "；".join(f"{slug} {Role(role).label}" for slug, role in self.roles)


DEMO_USERS = [
    DemoUser("siteadmin", "周建国", "信息中心主任", (), site_admin=True),
    DemoUser("clerk", "张敏", "政务公开科科员", (("qdn", Role.CLERK), ("qdn-office", Role.CLERK))),
    DemoUser("reviewer", "李华", "政务公开科科长", (("qdn", Role.REVIEWER), ("qdn-office", Role.REVIEWER))),
    DemoUser("reviewer2", "吴婷", "政务公开科副科长", (("qdn", Role.REVIEWER), ("qdn-office", Role.REVIEWER))),
    DemoUser("approver", "王强", "州政府办公室副主任", (("qdn", Role.APPROVER), ("qdn-office", Role.APPROVER))),
    DemoUser(
        "agencyadmin", "陈静", "州政府办公室信息科", (("qdn", Role.AGENCY_ADMIN), ("qdn-office", Role.AGENCY_ADMIN))
    ),
    DemoUser("supervisor", "刘洋", "州政务公开办督查", (("qdn", Role.SUPERVISOR),)),
    DemoUser("kaili-clerk", "赵磊", "凯里市政务公开办科员", (("kaili", Role.CLERK),)),
]


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.serial = 0
        self.created = 0

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def _agency(self, parent: Agency | None, **fields) -> Agency:
        self.serial += 1
        existing = Agency.objects.filter(slug=fields["slug"]).first()
        if existing:
            return existing
        region = fields.get("region_code") or (parent.region_code if parent else data.PREFECTURE_REGION)
        defaults = {
            "region_code": region,
            "credit_code": data.demo_credit_code(region, self.serial),
            "sort_order": self.serial,
            "office_name": fields.get("office_name") or f"{fields['name']}政务公开工作机构",
            "office_address": (parent.office_address if parent else ""),
            "office_postcode": (parent.office_postcode if parent else "556000"),
            "office_phone": (parent.office_phone if parent else "0855-8227803"),
        }
        self.created += 1
        return agency_create(actor=None, parent=parent, **{**defaults, **fields})

    @transaction.atomic
    def load_agencies(self) -> None:
        root = self._agency(None, **data.PREFECTURE)
        office = self._agency(root, **data.GENERAL_OFFICE)
        if office.reports_with_id != root.pk:
            # As in the seed, the government and its general office publish one annual report together.
            agency_update(actor=None, agency=office, reports_with=root)
        for slug, name, short in data.DEPARTMENTS:
            self._agency(root, slug=slug, name=name, short_name=short, kind="department", office_name=f"{name}办公室")
        for slug, name, region, suffix in data.COUNTIES:
            county = self._agency(
                root,
                slug=slug,
                name=f"{name}人民政府",
                short_name=f"{name}政府",
                kind="government",
                region_code=region,
                office_name=f"{name}人民政府办公室",
                office_address=f"贵州省黔东南州{name}{'人民政府' if suffix == '县' else '行政中心'}",
                office_phone=f"0855-{3000000 + int(region[-2:]) * 1111}",
            )
            self._agency(
                county,
                slug=f"{slug}-office",
                name=f"{name}人民政府办公室",
                short_name=f"{name}政府办",
                kind="general_office",
            )
            for dept_slug, dept_name in data.COUNTY_DEPARTMENTS:
                self._agency(
                    county,
                    slug=f"{slug}-{dept_slug}",
                    name=f"{name}{dept_name}",
                    short_name=f"{name}{dept_name}",
                    kind="department",
                    office_name=f"{name}{dept_name}办公室",
                )
        kaili = Agency.objects.get(slug="kaili")
        for slug, name, short in data.KAILI_TOWNSHIPS:
            self._agency(
                kaili, slug=slug, name=name, short_name=short, kind="township", office_name=f"{name}党政办公室"
            )

    @transaction.atomic
    def load_users(self) -> None:
        for spec in DEMO_USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = user_create(
                    actor=None,
                    username=spec.username,
                    full_name=spec.full_name,
                    job_title=spec.job_title,
                    password=DEMO_PASSWORD,
                    is_site_admin=spec.site_admin,
                )
                self.created += 1
            for slug, role in spec.roles:
                agency = Agency.objects.get(slug=slug)
                if not RoleAssignment.objects.filter(user=user, agency=agency, role=role).exists():
                    role_grant(actor=None, user=user, agency=agency, role=role)

    def load(self) -> int:
        self.load_agencies()
        self.load_users()
        supervision.load(self)
        demo_applications.load(self)
        demo_appeals.load(self)
        catalogue_demo.load(self)
        participation.load(self)
        supervision.load_recent_hits(timezone.localdate())
        # Last: the annual report is compiled from everything loaded above.
        demo_annual_reports.load(self)
        return self.created
