"""Demo applications: the 2024 cases behind the seed report's section 三, and a few open cases for today.

The 2024 cases of 黔东南州人民政府 and 州政府办公室 reproduce tests/data/seed_2024.json "section3" cell for
cell: 41 received in 2024 (40 natural persons, 1 organisation of type 其他), 1 carried over from 2023 (an
organisation of type 其他 that did not answer a correction request), 35 closed in 2024 with the outcomes as
printed, and 7 still open on 31 December 2024 (answered in January 2025). Every case goes through the
services, on working days, and is answered within its deadline.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.agencies.models import Agency
from gongkai.applications import services
from gongkai.applications.models import Application, Outcome
from gongkai.applications.steps import sign_off_required
from gongkai.core.identifiers import credit_code_check_char, resident_id_check_char
from gongkai.workdays.selectors import workday_calendar

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗龙杨吴潘"
GIVEN = [
    "敏",
    "伟",
    "芳",
    "娜",
    "秀英",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
]
STREETS = [
    "凯里市北京东路",
    "凯里市韶山南路",
    "凯里市宁波路",
    "凯里市营盘东路",
    "凯里市文化北路",
    "麻江县杏山街道",
    "台江县台拱街道",
]

# (topic, title, document number) of what people asked for.
REQUESTS = [
    ("征地拆迁", "凯里经济开发区2023年第三批次城镇建设用地征收补偿安置方案", ""),
    ("征地拆迁", "鸭塘街道棚户区改造项目房屋征收决定及补偿方案", "黔东南府征〔2023〕5号"),
    ("征地拆迁", "开怀街道集体土地征收土地现状调查结果", ""),
    ("项目建设", "凯里至雷山高速公路建设项目用地批复文件", ""),
    ("项目建设", "清水江航电枢纽工程环境影响评价批复", ""),
    ("项目建设", "州人民医院新院区建设项目可行性研究报告批复", "黔东南发改审〔2023〕112号"),
    ("统计数据", "2023年黔东南州各县（市）地区生产总值统计数据", ""),
    ("统计数据", "2023年黔东南州城镇居民人均可支配收入统计数据", ""),
    ("政策文件", "黔东南州最低生活保障标准调整的通知", "黔东南府办发〔2023〕18号"),
    ("政策文件", "黔东南州城乡居民医疗保险实施办法", ""),
    ("财政预算", "州政府办公室2023年度部门决算及“三公”经费支出明细", ""),
    ("政策文件", "黔东南州招商引资优惠政策实施细则", ""),
]
DETAILS = {
    Outcome.DISCLOSED: "所申请信息已通过州人民政府门户网站“政府信息公开”专栏主动公开，现随本告知书一并提供。",
    Outcome.PARTLY_DISCLOSED: "所申请文件中涉及被征收人姓名、身份证号码及补偿金额的部分属于个人隐私，"
    "依照条例第十五条不予公开，其余部分予以提供。",
    Outcome.UNAVAILABLE_NOT_HELD: "经检索，本机关未制作或获取该信息。该信息由凯里市人民政府负责，建议向其申请。",
    Outcome.NOT_PROCESSED_REPEAT: "申请人已于本年就同一信息提出申请，本机关已依法答复。",
}

# 2024 natural persons: (outcome or None for open at year end, number of cases).
NATURAL_2024 = [
    (Outcome.DISCLOSED, 3),
    (Outcome.PARTLY_DISCLOSED, 9),
    (Outcome.UNAVAILABLE_NOT_HELD, 12),
    (Outcome.NOT_PROCESSED_REPEAT, 1),
    (Outcome.OTHER_NO_CORRECTION, 7),
    (Outcome.OTHER, 2),
    (None, 6),
]


def _id_number(serial: int) -> str:
    birth = dt.date(1962, 3, 1) + dt.timedelta(days=serial * 523 % 12000)
    first17 = f"522601{birth:%Y%m%d}{100 + serial * 7 % 900:03d}"
    return first17 + resident_id_check_char(first17)


def _person(serial: int) -> dict:
    name = SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial * 7) % len(GIVEN)]
    return {
        "kind": "natural",
        "name": name,
        "id_type": "resident_id",
        "id_number": _id_number(serial),
        "phone": f"138{(85500000 + serial * 7919) % 100000000:08d}",
        "address": f"贵州省{STREETS[serial % len(STREETS)]}{10 + serial}号",
        "postcode": "556000",
    }


def _organisation(serial: int, name: str) -> dict:
    first17 = f"54522601MJ{serial:07d}"
    return {
        "kind": "organisation",
        "name": name,
        "organisation_type": "other",
        "credit_code": first17 + credit_code_check_char(first17),
        "legal_representative": "杨光荣",
        "contact_person": "吴志刚",
        "phone": "0855-8221" + f"{serial:03d}",
        "address": "贵州省黔东南州凯里市开怀街道",
        "postcode": "556000",
    }


def _request(serial: int) -> tuple[str, dict]:
    topic, title, number = REQUESTS[serial % len(REQUESTS)]
    return topic, {
        "title": title,
        "document_number": number,
        "description": "请提供该文件全文及附件。",
        "form_wanted": "paper" if serial % 3 else "electronic",
        "delivery_method": ["post", "email", "pickup"][serial % 3],
    }


class _Days:
    def __init__(self):
        self.calendar = workday_calendar()

    def after(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(day, n).date

    def workday(self, day: dt.date) -> dt.date:
        return self.calendar.next_working_day(day)

    def before(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day -= dt.timedelta(days=1)
            if self.calendar.is_workday(day):
                n -= 1
        return day


def _register(clerk, agency, applicant, serial, received_on, channel="online"):
    topic, request = _request(serial)
    return services.application_register(
        actor=clerk,
        agency=agency,
        applicant=applicant,
        request=request,
        channel=channel if channel != "online" else "in_person",
        received_on=received_on,
        topics=[topic],
    )


def _finish(application, outcome, clerk, approver, days: _Days, serial: int, reply_on: dt.date | None = None):
    """Take one case to its outcome, through the same steps a clerk would."""
    received = application.received_on
    on = reply_on or days.after(received, 8 + serial % 9)
    if outcome == Outcome.OTHER_NO_CORRECTION:
        asked = days.after(received, 3)
        pause = services.application_request_correction(
            actor=clerk, application=application, on=asked, period_days=15,
            text="请明确所需信息的具体名称、文号或形成时间，以便本机关检索。",
        )  # fmt: skip
        services.application_close_without_correction(
            actor=clerk, application=application, on=days.after(pause.respond_by, 1)
        )
        return
    if outcome == Outcome.OTHER:
        services.application_withdraw(
            actor=clerk,
            application=application,
            on=days.after(received, 4),
            reason="申请人来电表示已自行获取，申请撤回。",
        )
        return
    if outcome == Outcome.PARTLY_DISCLOSED and serial % 3 == 0 and reply_on is None:
        # Third parties named in the file are asked first (条例 第三十二条); the time is not counted.
        start = days.after(received, 5)
        services.application_start_consultation(
            actor=clerk, application=application, on=start, kind="third_party", party="被征收户代表",
            text="申请公开的补偿方案附表载有被征收人姓名及补偿金额，征求是否同意公开的意见。",
        )  # fmt: skip
        services.application_end_consultation(
            actor=clerk,
            application=application,
            on=days.after(start, 12),
            result="第三方书面答复不同意公开其个人信息。",
        )
        on = days.after(start, 15)
    if outcome == Outcome.UNAVAILABLE_NOT_HELD and serial % 5 == 0 and reply_on is None:
        extension = services.application_request_extension(
            actor=clerk, application=application, on=days.after(received, 15), days=20,
            reason="所申请信息涉及多个部门，需要时间检索核实",
        )  # fmt: skip
        services.application_approve_extension(actor=approver, extension=extension, on=days.after(received, 16))
        on = days.after(received, 27)
    application.refresh_from_db()
    if application.due_on and on > application.due_on:
        on = application.due_on
    detail = DETAILS.get(outcome, "")
    if sign_off_required(application.agency, outcome):
        # The clerk drafts (拟办) and the approver signs (签发) before the reply goes out (the agency's setting).
        services.application_draft_reply(actor=clerk, application=application, outcome=outcome, detail=detail)
        services.application_sign_reply(actor=approver, application=application)
    services.application_reply(actor=clerk, application=application, outcome=outcome, detail=detail, on=on)
    letter = application.letters.filter(kind="reply").first()
    services.letter_deliver(actor=clerk, letter=letter, method=application.delivery_method, on=days.after(on, 1))


@transaction.atomic
def load_2024(loader, clerk, approver, days: _Days) -> None:
    government = Agency.objects.get(slug="qdn")
    office = Agency.objects.get(slug="qdn-office")
    if Application.objects.filter(agency__in=[government, office], received_on__year__in=[2023, 2024]).exists():
        return
    # The organisation carried over from 2023: a correction it never answered, closed in January 2024.
    carried = _register(
        clerk, government, _organisation(1, "凯里市开怀街道某村民委员会"), 0, dt.date(2023, 12, 18), "post"
    )
    _finish(carried, Outcome.OTHER_NO_CORRECTION, clerk, approver, days, 0)
    plan = []
    serial = 1
    for outcome, count in NATURAL_2024:
        for _ in range(count):
            plan.append((outcome, serial))
            serial += 1
    closed = [p for p in plan if p[0] is not None]
    open_at_year_end = [p for p in plan if p[0] is None]
    # Closed cases arrive from January to October, spread over the year; corrections and withdrawals interleave.
    for index, (outcome, serial) in enumerate(closed):
        received = days.workday(dt.date(2024, 1 + index * 10 // len(closed), 4 + (index * 5) % 20))
        agency = office if index % 3 == 2 else government
        application = _register(
            clerk, agency, _person(serial), serial, received, ["online", "post", "email"][index % 3]
        )
        _finish(application, outcome, clerk, approver, days, serial)
    # Seven cases arrive in December 2024 and are answered in January 2025: they are 结转 (R4) for 2024.
    late = [(_person(s), s) for _o, s in open_at_year_end] + [(_organisation(2, "黔东南州某农民专业合作社"), 99)]
    for index, (applicant, serial) in enumerate(late):
        received = days.workday(dt.date(2024, 12, 9 + index * 2))
        agency = office if index % 2 else government
        application = _register(clerk, agency, applicant, serial, received, "online")
        outcome = [Outcome.DISCLOSED, Outcome.PARTLY_DISCLOSED, Outcome.UNAVAILABLE_NOT_HELD][index % 3]
        _finish(
            application, outcome, clerk, approver, days, serial + 1, reply_on=days.workday(dt.date(2025, 1, 6 + index))
        )
    loader.created += 42


LIVE = [
    # (working days ago, what happens next, serial)
    (2, "new", 201),
    (6, "new", 202),
    (12, "consulting", 203),
    (16, "drafted", 204),
    (19, "new", 205),
    (3, "correction", 206),
    (24, "overdue", 207),
]


@transaction.atomic
def load_live(loader, clerk, approver, days: _Days) -> None:
    """A few open cases received recently, so the work queue has due-soon and overdue work today."""
    government = Agency.objects.get(slug="qdn")
    live_titles = [f"（演示）{_request(s)[1]['title']}" for _d, _k, s in LIVE]
    if Application.objects.filter(agency=government, title__in=live_titles).exists():
        return
    today = timezone.localdate()
    for (ago, state, serial), title in zip(LIVE, live_titles, strict=True):
        received = days.before(today, ago) if days.calendar.is_workday(today) or ago else days.before(today, 1)
        topic, request = _request(serial)
        application = services.application_register(
            actor=clerk, agency=government, applicant=_person(serial), request={**request, "title": title},
            channel="email" if serial % 2 else "post", received_on=received, topics=[topic],
        )  # fmt: skip
        services.application_assign(actor=clerk, application=application, handler=clerk)
        if state == "consulting":
            services.application_start_consultation(
                actor=clerk, application=application, on=days.after(received, 2), kind="other_agency",
                party="黔东南州自然资源局", text="该信息由贵局共同制作，请于15个工作日内提出意见（条例第三十四条）。",
            )  # fmt: skip
        if state == "correction":
            services.application_request_correction(
                actor=clerk, application=application, on=days.after(received, 1), period_days=15,
                text="请说明所需统计数据的年份和统计口径。",
            )  # fmt: skip
        if state == "drafted":
            # A 部分公开 draft waiting for the approver's sign-off: the demo approver's to-do lists it.
            services.application_draft_reply(
                actor=clerk, application=application, outcome=Outcome.PARTLY_DISCLOSED, topics=[topic],
                detail="所附补偿明细表载有被征收人的姓名、身份证号码和补偿金额，属于个人信息，作区分处理后公开其余内容。",
            )  # fmt: skip
        loader.created += 1
    services.application_alerts_scan(today=today)


def load(loader) -> None:
    clerk = User.objects.get(username="clerk")
    approver = User.objects.get(username="approver")
    days = _Days()
    load_2024(loader, clerk, approver, days)
    load_live(loader, clerk, approver, days)
