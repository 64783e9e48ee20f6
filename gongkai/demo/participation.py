"""Demo: public participation, policy interpretations, the gazette and the Article 20 records.

For 黔东南州人民政府 (qdn) and its general office (qdn-office), 2024 reproduces the seed report's figures:
16 responses to concerns, 7 consultations, 3 surveys, 32 policy interpretations, 6 gazette issues (600 copies)
carrying 111 documents, and no licensing, penalty or coercive decisions and no fees. Records of 2023 and of
凯里市 make the zeros and the counts real filtering, and one consultation and one survey are open today.

Participation, gazette and enforcement records go through their services (so the audit trail is real). The
catalogue documents and interpretations of 2024 are already-published history: if the catalogue's own demo
has published enough documents of 2024 they are reused, otherwise the shortfall is added here in bulk, with
index numbers from the agency's sequence. Every step looks for what it would create, so a rerun adds nothing.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.agencies.models import Agency
from gongkai.catalogue import search
from gongkai.catalogue.models import (
    DEFAULT_INDEX_TEMPLATE,
    CatalogueSettings,
    Category,
    DocumentType,
    Genre,
    IndexSequence,
    InterpretationForm,
    Item,
    ItemStatus,
    ItemVersion,
    format_index_number,
)
from gongkai.catalogue.services import category_tree_ensure_default
from gongkai.enforcement.models import Decision, DecisionKind, SubjectKind
from gongkai.enforcement.services import decision_create, decision_publish, fee_record_create
from gongkai.gazette.models import GazetteIssue
from gongkai.gazette.services import (
    gazette_issue_add_document,
    gazette_issue_create,
    gazette_issue_publish,
    gazette_issue_submit,
)
from gongkai.participation.models import (
    CommentStatus,
    ConcernResponse,
    Consultation,
    QuestionKind,
    Survey,
)
from gongkai.participation.services import (
    comment_moderate,
    comment_submit,
    concern_create,
    consultation_create,
    consultation_publish_feedback,
    publication_publish,
    publication_submit,
    survey_create,
    survey_question_add,
    survey_response_submit,
)

YEAR = 2024
GAZETTE_TITLE = "黔东南州人民政府公报"
GAZETTE_DOCUMENTS = (18, 18, 18, 19, 19, 19)  # 111 documents in six issues of 100 copies each
INTERPRETATIONS = 32
INTERPRETATION_FORMS = [
    InterpretationForm.TEXT,
    InterpretationForm.GRAPHIC,
    InterpretationForm.QA,
    InterpretationForm.VIDEO,
]

CONCERNS = [
    ("关于凯里城区停车难问题的回应", "12345政务服务便民热线"),
    ("关于州府至各县客运班线调整的回应", "州政府门户网站网民留言"),
    ("关于春季森林防火期野外用火管控的回应", "媒体报道"),
    ("关于城乡居民医保缴费时间的回应", "12345政务服务便民热线"),
    ("关于义务教育阶段招生划片的回应", "州政府门户网站网民留言"),
    ("关于农村饮水安全工程进度的回应", "人大代表建议"),
    ("关于西江千户苗寨旅游旺季交通管制的回应", "微博网民留言"),
    ("关于稳岗就业补贴申领条件的回应", "12345政务服务便民热线"),
    ("关于城区老旧小区改造范围的回应", "州政府门户网站网民留言"),
    ("关于高速公路服务区充电桩建设的回应", "政协委员提案"),
    ("关于菜市场价格监管的回应", "媒体报道"),
    ("关于冬季供水管网抢修的回应", "12345政务服务便民热线"),
    ("关于乡村振兴衔接资金使用公开的回应", "州政府门户网站网民留言"),
    ("关于中小学课后服务收费的回应", "微信公众号留言"),
    ("关于不动产登记办理时限的回应", "12345政务服务便民热线"),
    ("关于苗年节期间活动安排的回应", "媒体报道"),
]

CONSULTATIONS = [
    "《黔东南州城市市容和环境卫生管理条例（草案）》",
    "《黔东南州传统村落保护条例（修订草案）》",
    "《黔东南州住宅小区物业管理办法（征求意见稿）》",
    "《黔东南州促进民族医药产业发展若干措施（征求意见稿）》",
    "《黔东南州农村集体经济组织收益分配指导意见（征求意见稿）》",
    "《黔东南州中心城区公共停车场规划（2024—2035年）（草案）》",
    "《黔东南州政务服务“一网通办”工作规则（征求意见稿）》",
]

# (title, the first question, its options): each question is one the options answer.
SURVEYS = [
    ("黔东南州政务服务满意度网上调查", "您对我州政务服务是否满意？", ["非常满意", "满意", "一般", "不满意"]),
    ("州政府门户网站改版需求网上调查", "您最希望改版后的门户网站加强哪一栏目？", ["政策文件", "办事服务", "互动交流", "数据开放"]),
    ("黔东南州全民健身设施使用情况网上调查", "您多久使用一次身边的全民健身设施？", ["每天", "每周", "每月", "几乎不用"]),
]  # fmt: skip

SUBJECTS = ["稳岗就业", "乡村振兴", "文化旅游", "财政资金", "发展规划", "生态环境", "教育医疗", "社会保障", "民族医药"]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _publish(obj, clerk, reviewer, on: dt.date):
    publication_submit(actor=clerk, obj=obj)
    return publication_publish(actor=reviewer, obj=obj, on=on)


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


# ------------------------------------------------------------------------------------------ participation
def load_concerns(qdn, office, clerk, reviewer, kaili) -> None:
    if ConcernResponse.objects.filter(agency__in=[qdn, office]).exists():
        return
    for n, (title, where) in enumerate(CONCERNS):
        agency = qdn if n % 3 else office
        day = dt.date(YEAR, 1 + n * 11 // 16, 5 + n % 20)
        concern = concern_create(
            actor=clerk,
            agency=agency,
            title=title,
            raised_where=where,
            concern_summary=f"群众通过{where}反映：{title.removeprefix('关于').removesuffix('的回应')}相关问题，希望政府予以说明。",
            response="经认真研究，现回应如下：相关部门已制定工作方案，明确责任分工和完成时限，"
            "将于近期向社会公布办理进展。感谢您对我州工作的关心和支持。",
            responded_on=day,
        )
        _publish(concern, clerk, reviewer, day)
    # Another year and another agency, so the 2024 count of qdn is a filter, not everything there is.
    old = concern_create(
        actor=clerk, agency=qdn, title="关于2023年冬季天然气保供的回应", raised_where="媒体报道",
        concern_summary="群众关心冬季天然气供应。", response="已与上游企业签订保供协议。", responded_on=dt.date(2023, 12, 1),
    )  # fmt: skip
    _publish(old, clerk, reviewer, dt.date(2023, 12, 1))
    other = concern_create(
        actor=None, agency=kaili, title="关于凯里市夜市摊位管理的回应", raised_where="12345政务服务便民热线",
        concern_summary="群众反映夜市占道。", response="已划定经营区域。", responded_on=dt.date(YEAR, 6, 3),
    )  # fmt: skip
    _publish(other, None, None, dt.date(YEAR, 6, 3))


def load_consultations(qdn, office, clerk, reviewer, kaili) -> None:
    if Consultation.objects.filter(agency__in=[qdn, office]).exists():
        return
    for n, title in enumerate(CONSULTATIONS):
        agency = office if n == 6 else qdn
        opens = dt.date(YEAR, 1 + n * 3 // 2, 10)
        closes = opens + dt.timedelta(days=30)
        consultation = consultation_create(
            actor=clerk,
            agency=agency,
            title=f"关于公开征求{title}意见的公告",
            summary="为广泛听取社会各界意见，现将草案全文公布，欢迎通过本页面提出意见建议。",
            draft_text=f"{title}\n\n第一条 为了规范相关工作，根据有关法律法规，结合本州实际，制定本规定。\n"
            "第二条 本规定适用于本州行政区域内的相关活动。",
            opens_on=opens,
            closes_on=closes,
        )
        _publish(consultation, clerk, reviewer, opens)
        for k, text in enumerate(
            ["建议进一步明确部门职责分工。", "建议增加对少数民族群众的宣传解读。", "第二条适用范围建议再细化。"]
        ):
            comment = comment_submit(
                consultation=consultation, content=text, name="", contact="", client=f"demo-{n}-{k}",
                now=_aware(opens + dt.timedelta(days=3 + k)),
            )  # fmt: skip
            comment_moderate(actor=clerk, comment=comment, status=CommentStatus.APPROVED)
        consultation_publish_feedback(
            actor=reviewer,
            consultation=consultation,
            feedback="征集期间共收到意见建议3条，经认真研究，采纳2条，部分采纳1条，已在修改稿中体现。",
            on=closes + dt.timedelta(days=7),
        )
    old = consultation_create(
        actor=clerk, agency=qdn, title="关于公开征求《黔东南州养犬管理规定（草案）》意见的公告", summary="欢迎提出意见。",
        draft_text="第一条 为了规范养犬行为，制定本规定。", opens_on=dt.date(2023, 9, 1), closes_on=dt.date(2023, 9, 30),
    )  # fmt: skip
    _publish(old, clerk, reviewer, dt.date(2023, 9, 1))
    other = consultation_create(
        actor=None, agency=kaili, title="关于公开征求《凯里市城区夜市管理办法》意见的公告", summary="欢迎提出意见。",
        draft_text="第一条 为了规范夜市经营，制定本办法。", opens_on=dt.date(YEAR, 5, 1), closes_on=dt.date(YEAR, 5, 31),
    )  # fmt: skip
    _publish(other, None, None, dt.date(YEAR, 5, 1))
    # One consultation open today, so the comment form can be tried on the portal.
    today = timezone.localdate()
    current = consultation_create(
        actor=clerk, agency=qdn, title="关于公开征求《黔东南州政务公开工作规范（征求意见稿）》意见的公告",
        summary="征集期内欢迎社会各界通过本页面提出意见建议，意见经审核后公开，姓名和联系方式不公开。",
        draft_text=(
            "第一条 为了推进政务公开标准化规范化，提高政府工作透明度，根据《中华人民共和国政府信息公开条例》，"
            "结合本州实际，制定本规范。\n"
            "第二条 本州各级行政机关开展政务公开工作，适用本规范。\n"
            "第三条 行政机关应当编制并公布本机关的政府信息公开指南和政府信息公开目录，并及时更新。\n"
            "第四条 行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复；不能当场答复的，"
            "应当自收到申请之日起20个工作日内予以答复。\n"
            "第五条 本规范自发布之日起施行。"
        ),
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=25),
    )  # fmt: skip
    _publish(current, clerk, reviewer, today - dt.timedelta(days=5))
    # One comment already moderated and shown, one waiting for the clerk.
    shown = comment_submit(
        consultation=current, content="建议第四条写明申请人补正材料的时间不计入答复期限。", name="", contact="",
        client="demo-current-0", now=_aware(today - dt.timedelta(days=3)),
    )  # fmt: skip
    comment_moderate(actor=clerk, comment=shown, status=CommentStatus.APPROVED)
    comment_submit(
        consultation=current, content="希望增加通过政务服务网在线申请的规定。", name="王女士", contact="13800000000",
        client="demo-current-1", now=_aware(today - dt.timedelta(days=1)),
    )  # fmt: skip


# What respondents wrote in the survey's free-text question (every fifth answers it).
SUGGESTIONS = [
    "希望继续加强信息公开，办事指南写得再通俗一些。",
    "建议在网站首页增加常见问题解答。",
    "手机上查看文件时字有点小，希望能调大。",
    "政策解读很有帮助，希望多用图表说明。",
    "希望办理进度能通过短信告知。",
    "建议延长周末的窗口服务时间。",
]


def _survey(agency, clerk, reviewer, title, question, options, opens, closes, answers: int):
    survey = survey_create(
        actor=clerk, agency=agency, title=title, summary="本次调查匿名进行，结果将在调查结束后公布。",
        opens_on=opens, closes_on=closes,
    )  # fmt: skip
    first = survey_question_add(actor=clerk, survey=survey, text=question, kind=QuestionKind.SINGLE, choices=options)
    second = survey_question_add(
        actor=clerk, survey=survey, text="您通过哪些渠道了解相关信息？（可多选）", kind=QuestionKind.MULTIPLE,
        choices=["政府网站", "微信公众号", "微博", "电视广播"],
    )  # fmt: skip
    third = survey_question_add(actor=clerk, survey=survey, text="您的意见建议", kind=QuestionKind.TEXT, required=False)
    _publish(survey, clerk, reviewer, opens)
    a, b = list(first.choices.all()), list(second.choices.all())
    for n in range(answers):
        survey_response_submit(
            survey=survey,
            answers={
                first.pk: [a[(n * 7) % 11 % len(a)].pk],
                second.pk: [b[n * 5 % 7 % 4].pk] + ([b[0].pk] if n % 3 == 0 and n * 5 % 7 % 4 else []),
                third.pk: SUGGESTIONS[n // 5 % len(SUGGESTIONS)] if n % 5 == 0 else "",
            },
            respondent=f"demo-{title}-{n}",
            client=f"demo-{n % 7}",
            now=_aware(opens + dt.timedelta(days=1 + n % 10)),
        )
    return survey


def load_surveys(qdn, office, clerk, reviewer) -> None:
    if Survey.objects.filter(agency__in=[qdn, office]).exists():
        return
    for n, (title, question, options) in enumerate(SURVEYS):
        opens = dt.date(YEAR, 3 + n * 3, 1)
        agency = qdn if n < 2 else office
        _survey(agency, clerk, reviewer, title, question, options, opens, opens + dt.timedelta(days=20), 24 + n * 5)
    _survey(
        qdn,
        clerk,
        reviewer,
        "2023年政务公开工作满意度调查",
        "您对本机关2023年政务公开工作是否满意？",
        ["满意", "一般", "不满意"],
        dt.date(2023, 10, 1),
        dt.date(2023, 10, 31),
        12,
    )
    today = timezone.localdate()
    _survey(
        qdn, clerk, reviewer, "黔东南州政务新媒体关注情况网上调查", "您是否关注州政府的政务新媒体（微信公众号、微博）？",
        ["经常关注", "偶尔关注", "没有关注"],
        today - dt.timedelta(days=3), today + dt.timedelta(days=27), 0,
    )  # fmt: skip


# ------------------------------------------------------------------------------------ catalogue history
def _category(agency: Agency, code: str) -> Category:
    category_tree_ensure_default(actor=None, agency=agency)
    return Category.objects.filter(agency=agency, code=code).first() or Category.objects.filter(agency=agency).first()


def _published_items(agency: Agency, rows: list[dict]) -> list[Item]:
    """Already-published history in bulk: items with index numbers from the agency's sequence, version 1,
    and their search-index rows, as the catalogue's publishing service would have left them."""
    template = (
        CatalogueSettings.objects.filter(agency=agency).values_list("index_template", flat=True).first()
        or DEFAULT_INDEX_TEMPLATE
    )
    items = []
    for row in rows:
        published = row.pop("published_at")
        day = timezone.localtime(published).date()
        sequence, _created = IndexSequence.objects.get_or_create(agency=agency, year=day.year)
        sequence.last += 1
        while True:
            number = format_index_number(template, credit_code=agency.credit_code, when=day, seq=sequence.last)
            if not Item.objects.filter(agency=agency, index_number=number).exists():
                break
            sequence.last += 1
        sequence.save(update_fields=["last"])
        body_text = row.pop("body_text")
        items.append(
            Item(
                agency=agency,
                index_number=number,
                body="".join(f"<p>{p}</p>" for p in body_text.split("\n")),
                body_text=body_text,
                issuer=agency.name,
                status=ItemStatus.PUBLISHED,
                published_at=published,
                last_checked_at=published,
                **row,
            )
        )
    created = Item.objects.bulk_create(items)
    if any(i.pk is None for i in created):  # backends that do not return ids from a bulk insert
        created = list(Item.objects.filter(agency=agency, index_number__in=[i.index_number for i in items]))
    ItemVersion.objects.bulk_create(
        ItemVersion(
            item=i, number=1, title=i.title, summary=i.summary, body=i.body,
            metadata={"document_type": i.document_type, "document_number": i.document_number},
        )
        for i in created
    )  # fmt: skip
    search.index_write([(i.pk, i.title, i.body_text) for i in created])
    return created


def _year_items(agencies, year: int):
    return Item.objects.filter(agency__in=agencies, status=ItemStatus.PUBLISHED, published_at__year=year).order_by(
        "published_at", "id"
    )


def gazette_documents_for(qdn, office, needed: int, year: int) -> list[Item]:
    """Published documents of the year to print in the gazette: the catalogue's own, topped up if too few."""
    documents = list(
        _year_items([qdn, office], year)
        .filter(interprets__isnull=True)
        .exclude(document_type=DocumentType.INTERPRETATION)
        .exclude(gazette_entries__isnull=False)[:needed]
    )
    missing = needed - len(documents)
    if missing > 0:
        # Other documents (其他文件), so the 规章 / 规范性文件 counts of the report's 第二十条（一） block are untouched.
        category = _category(qdn, "other-documents")
        rows = []
        for n in range(missing):
            day = dt.date(year, 1 + n * 12 // max(missing, 1), 3 + n % 25)
            subject = SUBJECTS[n % len(SUBJECTS)]
            rows.append(
                {
                    "title": f"黔东南州人民政府办公室关于做好{year}年{subject}工作的通知（{n + 1}）",
                    "summary": f"部署{year}年全州{subject}相关工作。",
                    "body_text": f"各县（市）人民政府，州直各部门：\n为做好{year}年{subject}工作，现将有关事项通知如下。",
                    "category": category,
                    "genre": Genre.NOTICE,
                    "document_type": DocumentType.OTHER,
                    "document_number": f"黔东南府办函〔{year}〕{200 + n}号",
                    "date_written": day,
                    "published_at": _aware(day + dt.timedelta(days=2), 9),
                }
            )
        documents += _published_items(qdn, rows)
    return documents


def load_interpretations(qdn, office) -> None:
    existing = (
        _year_items([qdn, office], YEAR).filter(Q(interprets__isnull=False)).count()
    )  # the catalogue's demo may already have some
    missing = INTERPRETATIONS - existing
    if missing <= 0:
        return
    documents = list(
        _year_items([qdn, office], YEAR)
        .filter(interprets__isnull=True)
        .exclude(document_type=DocumentType.INTERPRETATION)
    )
    category = _category(qdn, "interpretation")
    rows = []
    for n in range(missing):
        target = documents[n % len(documents)]
        form = INTERPRETATION_FORMS[n % 4]
        label = InterpretationForm(form).label
        day = max(timezone.localtime(target.published_at).date(), dt.date(YEAR, 1, 2)) + dt.timedelta(days=1)
        day = min(day, dt.date(YEAR, 12, 30))
        rows.append(
            {
                "title": f"{label}解读：{target.title}",
                "summary": f"以{label}形式解读《{target.title}》的出台背景、主要内容和执行要点。",
                "body_text": "一、出台背景\n二、主要内容\n三、执行要点",
                "category": category,
                "genre": Genre.INTERPRETATION,
                "document_type": DocumentType.INTERPRETATION,
                "document_number": "",
                "date_written": day,
                "interprets": target,
                "interpretation_form": form,
                "published_at": _aware(day, 15),
            }
        )
    _published_items(qdn, rows)


def load_gazette(qdn, office, clerk, reviewer, kaili) -> None:
    if GazetteIssue.objects.filter(agency=qdn, year=YEAR).exists():
        return
    documents = gazette_documents_for(qdn, office, sum(GAZETTE_DOCUMENTS), YEAR)
    start = 0
    for number, count in enumerate(GAZETTE_DOCUMENTS, 1):
        issued = dt.date(YEAR, number * 2, 28)
        issue = gazette_issue_create(
            actor=clerk, agency=qdn, title=GAZETTE_TITLE, year=YEAR, number=number,
            serial_number=150 + number, issued_on=issued, copies=100,
        )  # fmt: skip
        for item in documents[start : start + count]:
            gazette_issue_add_document(actor=clerk, issue=issue, item=item)
        start += count
        gazette_issue_submit(actor=clerk, issue=issue)
        gazette_issue_publish(actor=reviewer, issue=issue, on=issued)
    # 2023's last issue, with documents of 2023.
    old_docs = gazette_documents_for(qdn, office, 3, 2023)
    old = gazette_issue_create(
        actor=clerk, agency=qdn, title=GAZETTE_TITLE, year=2023, number=6, serial_number=150,
        issued_on=dt.date(2023, 12, 28), copies=120,
    )  # fmt: skip
    for item in old_docs:
        gazette_issue_add_document(actor=clerk, issue=old, item=item)
    gazette_issue_submit(actor=clerk, issue=old)
    gazette_issue_publish(actor=reviewer, issue=old, on=dt.date(2023, 12, 28))


# ------------------------------------------------------------------------------------------- enforcement
def load_enforcement(qdn, clerk, reviewer, kaili) -> None:
    if Decision.objects.filter(agency__in=[qdn, kaili]).exists():
        return
    # qdn made no decisions and collected no fees in 2024 (as the seed reports); it did in 2023.
    decision_create(
        actor=clerk, agency=qdn, kind=DecisionKind.LICENSING, decided_on=dt.date(2023, 8, 2),
        number="黔东南府许〔2023〕4号", subject="黔东南州某水务有限公司", subject_kind=SubjectKind.ORGANISATION,
        summary="准予取水许可。", social_impact=False,
    )  # fmt: skip
    fee_record_create(
        actor=clerk, agency=qdn, collected_on=dt.date(2023, 11, 20), item="政府信息公开信息处理费",
        basis="国办函〔2020〕109号", amount=Decimal("300.00"),
    )  # fmt: skip
    # 凯里市 decided cases in 2024; one penalty of social impact is published on its portal page.
    rows = [
        (DecisionKind.LICENSING, "凯市监许〔2024〕12号", "凯里市某餐饮有限公司", SubjectKind.ORGANISATION, "准予食品经营许可。", False),
        (DecisionKind.LICENSING, "凯市监许〔2024〕13号", "凯里市某药店", SubjectKind.ORGANISATION, "准予药品经营许可。", False),
        (DecisionKind.PENALTY, "凯市监罚〔2024〕5号", "凯里市某食品厂", SubjectKind.ORGANISATION, "生产不符合食品安全标准的食品，没收违法所得并罚款5万元。", True),
        (DecisionKind.PENALTY, "凯市监罚〔2024〕6号", "王某某", SubjectKind.PERSON, "无证经营，罚款2000元。", False),
        (DecisionKind.COERCIVE, "凯市监强〔2024〕2号", "凯里市某食品厂", SubjectKind.ORGANISATION, "查封涉案食品及生产设备。", False),
    ]  # fmt: skip
    for n, (kind, number, subject, subject_kind, summary, impact) in enumerate(rows):
        decision = decision_create(
            actor=None, agency=kaili, kind=kind, decided_on=dt.date(YEAR, 3 + n, 10), number=number, subject=subject,
            subject_kind=subject_kind, summary=summary, social_impact=impact,
        )  # fmt: skip
        if impact:
            decision_publish(actor=None, decision=decision, on=dt.date(YEAR, 3 + n, 15))
    fee_record_create(
        actor=None, agency=kaili, collected_on=dt.date(YEAR, 6, 30), item="不动产登记费",
        basis="黔发改收费〔2017〕1号", amount=Decimal("12800.00"),
    )  # fmt: skip


@transaction.atomic
def load(loader) -> None:
    qdn = Agency.objects.get(slug="qdn")
    office = Agency.objects.get(slug="qdn-office")
    kaili = Agency.objects.get(slug="kaili")
    clerk, reviewer = _user("clerk"), _user("reviewer")
    load_concerns(qdn, office, clerk, reviewer, kaili)
    load_consultations(qdn, office, clerk, reviewer, kaili)
    load_surveys(qdn, office, clerk, reviewer)
    load_gazette(qdn, office, clerk, reviewer, kaili)
    load_interpretations(qdn, office)
    load_enforcement(qdn, clerk, reviewer, kaili)
    loader.log("公众参与、政策解读、政府公报和第二十条记录已就绪。")
