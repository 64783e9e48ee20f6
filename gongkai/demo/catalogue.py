"""The catalogue of 黔东南州人民政府 (qdn) and its general office (qdn-office) for 2024, shaped like the seed report.

Section 一 says the portal published "12500余条" in 2024; section 二 gives the life cycle of the government rules
and normative documents (规章 1 issued / 1 repealed / 1 in force; 行政规范性文件 13 / 1 / 137); the seed ran 32
policy interpretations. The published history is bulk-inserted (its rows are consistent: index numbers,
first versions, search index); a handful of live items go through the services, so the review queue, the
checks and the audit trail have something real to show.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.agencies.models import Agency
from gongkai.catalogue import search
from gongkai.catalogue.models import (
    DEFAULT_INDEX_TEMPLATE,
    Category,
    DocumentType,
    Genre,
    IndexSequence,
    InterpretationForm,
    Item,
    ItemStatus,
    ItemVersion,
    Validity,
    WordListEntry,
    WordListKind,
    format_index_number,
)
from gongkai.catalogue.services import (
    category_tree_ensure_default,
    item_approve,
    item_check,
    item_create,
    item_submit,
    word_entry_add,
)

YEAR = 2024
PUBLISHED_2024 = 12_520  # "12500余条"
RULES_BEFORE = 1  # one older rule, repealed in 2024 by the new one
NORMATIVE_BEFORE_IN_FORCE = 124  # + 13 issued in 2024 = 137 in force on 31 December
NORMATIVE_BEFORE_REPEALED = 1
NORMATIVE_2024 = 13
INTERPRETATIONS = 32

PLACES = ["凯里市", "黄平县", "施秉县", "三穗县", "镇远县", "岑巩县", "天柱县", "锦屏县", "剑河县", "台江县",
          "黎平县", "榕江县", "从江县", "雷山县", "麻江县", "丹寨县"]  # fmt: skip
TOPICS = {
    "functions": ["州政府领导分工调整", "州政府工作部门权责清单", "政府机构职能", "议事协调机构调整"],
    "rules": [],
    "normative": [],
    "other-documents": ["春季森林防火工作", "安全生产大检查", "防汛抗旱工作", "民族团结进步创建", "营商环境优化提升",
                        "政务服务“一网通办”", "重大项目建设推进", "耕地保护", "城乡居民医疗保险征缴"],
    "plans": ["国民经济和社会发展计划", "国土空间总体规划", "旅游业发展规划", "交通运输发展规划", "乡村振兴规划"],
    "budget": ["部门预算", "部门决算", "一般公共预算执行情况", "政府债务限额", "三公经费"],
    "procurement": ["政府采购意向", "政府采购合同", "政府集中采购目录", "采购结果"],
    "projects": ["重大项目批准", "重点项目建设进展", "项目环评审批", "项目招标"],
    "statistics": ["统计月报", "国民经济和社会发展统计公报", "居民消费价格", "规模以上工业增加值"],
    "personnel": ["干部任免", "公务员招考", "事业单位公开招聘", "人才引进"],
    "licensing": ["行政许可事项清单", "行政许可结果", "建设用地规划许可"],
    "penalty": ["行政处罚决定", "行政处罚裁量基准"],
    "coercion": ["行政强制事项清单"],
    "fees": ["行政事业性收费目录清单", "涉企收费清单"],
    "interpretation": [],
    "concerns": ["群众来信办理情况", "网民留言答复", "热点问题回应"],
    "emergency": ["突发事件应急预案", "气象灾害预警", "地质灾害防治"],
    "rural-revitalisation": ["巩固拓展脱贫攻坚成果", "乡村振兴重点帮扶县", "产业发展资金", "易地扶贫搬迁后续扶持"],
    "employment": ["稳岗返还", "就业创业补贴", "技能培训", "公益性岗位"],
    "education-health": ["义务教育学校招生", "家庭医生签约服务", "医疗保障待遇", "学生资助"],
    "social-security": ["城乡低保标准", "养老保险待遇调整", "特困人员救助供养", "残疾人两项补贴"],
    "environment": ["环境质量状况", "河长制工作", "生态环境执法检查", "饮用水水源地"],
    "reports": [],
}  # fmt: skip
WEIGHTS = {"other-documents": 16, "budget": 10, "procurement": 9, "projects": 8, "statistics": 6, "personnel": 9,
           "licensing": 8, "penalty": 5, "coercion": 1, "fees": 1, "concerns": 4, "emergency": 4, "functions": 2,
           "plans": 2, "rural-revitalisation": 6, "employment": 5, "education-health": 4, "social-security": 4,
           "environment": 3}  # fmt: skip
KINDS = [("关于{p}{t}的通知", Genre.NOTICE), ("{p}{t}情况公示", Genre.ANNOUNCEMENT), ("关于{t}的公告", Genre.ANNOUNCEMENT),
         ("{p}2024年{t}工作方案", Genre.SCHEME), ("关于{p}{t}工作情况的报告", Genre.REPORT), ("关于{t}有关事项的函", Genre.LETTER)]  # fmt: skip
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署和省委、省政府工作要求，",
    "按照州委、州政府工作安排，结合我州实际，",
    "各县（市）人民政府、州直各有关部门要切实提高思想认识，加强组织领导，",
    "进一步压实工作责任，细化工作措施，确保各项任务落地见效。",
    "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "加强统筹协调，形成工作合力，及时研究解决工作中遇到的困难和问题。",
    "严格落实信息公开要求，主动接受社会监督。",
    "各地各部门要于每月5日前将工作进展情况报送州政府办公室。",
    "本通知自印发之日起施行。",
    "联系人：州政府办公室政务公开科，联系电话：0855-8227803。",
    "统筹推进乡村振兴和新型城镇化，持续优化营商环境。",
    "加大财政资金保障力度，规范资金使用管理，提高资金使用效益。",
]


def _body(rng: random.Random, title: str) -> tuple[str, str]:
    sentences = rng.sample(SENTENCES, 5)
    paragraphs = [f"{title}有关事项如下：", "".join(sentences[:3]), "".join(sentences[3:])]
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return html, "\n".join(paragraphs)


def _working_days(year: int) -> list[dt.date]:
    day, out = dt.date(year, 1, 2), []
    while day.year == year:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


class _Builder:
    def __init__(self, agencies: dict[str, Agency]):
        self.agencies = agencies
        self.sequences: dict[tuple[int, int], int] = {}
        self.items: list[Item] = []
        self.categories = {slug: {c.code: c for c in Category.objects.filter(agency=a)} for slug, a in agencies.items()}

    def add(self, slug: str, code: str, *, published: dt.date, written: dt.date, **fields) -> Item:
        agency = self.agencies[slug]
        key = (agency.pk, published.year)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        when = timezone.make_aware(dt.datetime.combine(published, dt.time(9, 30)))
        item = Item(
            agency=agency,
            category=self.categories[slug][code],
            index_number=format_index_number(
                DEFAULT_INDEX_TEMPLATE, credit_code=agency.credit_code, when=published, seq=self.sequences[key]
            ),
            issuer=agency.name,
            date_written=written,
            status=ItemStatus.PUBLISHED,
            published_at=when,
            last_checked_at=when,
            **fields,
        )
        self.items.append(item)
        return item


def _document(builder, rng, slug, code, kind, number, title, written, **extra) -> Item:
    html, text = _body(rng, title)
    return builder.add(
        slug,
        code,
        published=written + dt.timedelta(days=rng.randint(2, 12)),
        written=written,
        title=title,
        summary=f"{title}。",
        body=html,
        body_text=text,
        genre=Genre.MEASURES if kind != DocumentType.OTHER else Genre.NOTICE,
        document_type=kind,
        document_number=number,
        effective_from=written + dt.timedelta(days=30),
        **extra,
    )


def _history(builder: _Builder, rng: random.Random) -> None:
    days = _working_days(YEAR)
    # 规章: the 2019 rule is repealed by the 2024 rule that replaces it.
    old_rule = _document(
        builder, rng, "qdn", "rules", DocumentType.RULES, "黔东南州人民政府令第1号",
        "黔东南州城市市容和环境卫生管理办法", dt.date(2019, 5, 20),
        validity=Validity.REPEALED, repealed_on=dt.date(YEAR, 9, 1),
    )  # fmt: skip
    new_rule = _document(
        builder, rng, "qdn", "rules", DocumentType.RULES, "黔东南州人民政府令第5号",
        "黔东南州城市市容和环境卫生管理规定", dt.date(YEAR, 7, 10),
    )  # fmt: skip
    new_rule.effective_from = dt.date(YEAR, 9, 1)
    builder.links = [(new_rule, "repeals", old_rule)]
    # 行政规范性文件 in force from earlier years, one repealed in 2024, and a few that expired long ago.
    subjects = [t for code, topics in TOPICS.items() for t in topics]
    for n in range(NORMATIVE_BEFORE_IN_FORCE + NORMATIVE_BEFORE_REPEALED + 6):
        year = 2016 + n % 8
        slug = "qdn" if n % 3 else "qdn-office"
        prefix = "黔东南府发" if slug == "qdn" else "黔东南府办发"
        written = dt.date(year, 1 + n % 12, 1 + n % 27)
        title = f"黔东南州{subjects[n % len(subjects)]}管理办法"
        extra = {}
        if n == 0:
            extra = {"validity": Validity.REPEALED, "repealed_on": dt.date(YEAR, 6, 30)}
        elif n > NORMATIVE_BEFORE_IN_FORCE + NORMATIVE_BEFORE_REPEALED - 1:
            written = dt.date(2016 + n % 4, written.month, written.day)
            extra = {"validity": Validity.EXPIRED, "expires_on": dt.date(written.year + 2, 12, 31)}
        _document(
            builder,
            rng,
            slug,
            "normative",
            DocumentType.NORMATIVE,
            f"{prefix}〔{written.year}〕{n + 1}号",
            title,
            written,
            **extra,
        )
    # The 13 normative documents of 2024.
    documents_2024 = [new_rule]
    for n in range(NORMATIVE_2024):
        slug = "qdn" if n % 2 else "qdn-office"
        prefix = "黔东南府发" if slug == "qdn" else "黔东南府办发"
        written = days[10 + n * 17]
        title = f"黔东南州{subjects[(n * 7) % len(subjects)]}实施办法（2024年修订）"
        documents_2024.append(
            _document(
                builder, rng, slug, "normative", DocumentType.NORMATIVE, f"{prefix}〔{YEAR}〕{n + 3}号", title, written
            )
        )
    # Other policy documents of 2024 that interpretations can explain.
    for n in range(20):
        written = days[5 + n * 12]
        title = f"关于印发黔东南州{TOPICS['other-documents'][n % 9]}实施方案的通知"
        documents_2024.append(
            _document(
                builder,
                rng,
                "qdn-office",
                "other-documents",
                DocumentType.OTHER,
                f"黔东南府办函〔{YEAR}〕{n + 20}号",
                title,
                written,
            )
        )
    # 32 policy interpretations, each of a 2024 document.
    forms = [InterpretationForm.TEXT, InterpretationForm.GRAPHIC, InterpretationForm.QA, InterpretationForm.VIDEO]
    for n in range(INTERPRETATIONS):
        target = documents_2024[n % len(documents_2024)]
        form = forms[n % 4]
        title = f"{'图解' if form == InterpretationForm.GRAPHIC else '一图读懂' if form == InterpretationForm.VIDEO else '政策解读'}：《{target.title}》"
        html, text = _body(rng, title)
        published = target.published_at.date() + dt.timedelta(days=1)
        item = builder.add(
            target.agency.slug, "interpretation", published=published, written=published,
            title=title, summary=f"对《{target.title}》的解读。", body=html, body_text=text,
            genre=Genre.INTERPRETATION, document_type=DocumentType.INTERPRETATION, interpretation_form=form,
        )  # fmt: skip
        builder.links.append((item, "interprets", target))
    # Everything else published in 2024, across the categories.
    already = sum(1 for i in builder.items if i.published_at.year == YEAR)
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    # Notices, work schemes and letters are issued documents and carry a 文号 (GB/T 9704-2012 发文字号); notices
    # of results, public notices and reports are not. Numbers continue after the ones used above.
    serials = dict.fromkeys(("黔东南府发", "黔东南府办发", "黔东南府函", "黔东南府办函"), 100)
    for n in range(PUBLISHED_2024 - already):
        code = rng.choices(codes, weights)[0]
        pattern, genre = KINDS[n % len(KINDS)]
        title = pattern.format(p=rng.choice(PLACES) if n % 3 == 0 else "黔东南州", t=rng.choice(TOPICS[code]))
        published = rng.choice(days)
        html, text = _body(rng, title)
        slug = "qdn" if n % 4 else "qdn-office"
        number = ""
        if genre in (Genre.NOTICE, Genre.SCHEME, Genre.LETTER):
            prefix = ("黔东南府" if slug == "qdn" else "黔东南府办") + ("函" if genre == Genre.LETTER else "发")
            serials[prefix] += 1
            number = f"{prefix}〔{YEAR}〕{serials[prefix]}号"
        builder.add(
            slug, code, published=published,
            written=published - dt.timedelta(days=rng.randint(1, 10)),
            title=title, summary=f"{title}。", body=html, body_text=text, genre=genre, document_number=number,
            document_type=DocumentType.INFORMATION if code not in ("other-documents", "plans") else DocumentType.OTHER,
        )  # fmt: skip


def _live_items(agencies: dict[str, Agency]) -> None:
    """A few items through the real services: one published through all three reviews, one waiting for 复审,
    one draft whose check found a mobile number."""
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "reviewer", "reviewer2", "approver"])}
    if len(users) < 4:
        return
    qdn = agencies["qdn"]
    category = Category.objects.get(agency=qdn, code="concerns")
    base = {
        "category": category,
        "document_type": DocumentType.INFORMATION,
        "genre": Genre.ANNOUNCEMENT,
        "date_written": timezone.localdate() - dt.timedelta(days=2),
    }
    published = item_create(
        actor=users["clerk"],
        agency=qdn,
        title="关于凯里至雷山高速公路施工期间交通管制的公告",
        summary="施工期间部分路段实行交通管制，请过往车辆绕行。",
        body="<p>因凯里至雷山高速公路施工需要，对相关路段实行交通管制。请过往车辆按指示标志绕行。</p>",
        **base,
    )
    published = item_submit(actor=users["clerk"], item=published)
    for name in ("reviewer", "reviewer2", "approver"):
        published = item_approve(actor=users[name], item=published, proofread=True, comment="同意")
    waiting = item_create(
        actor=users["clerk"],
        agency=qdn,
        title="关于2025年春节期间烟花爆竹燃放管理的通告",
        summary="明确春节期间烟花爆竹禁放区域和时段。",
        body="<p>为保障春节期间公共安全，现就烟花爆竹燃放管理有关事项通告如下。</p>",
        **base,
    )
    waiting = item_submit(actor=users["clerk"], item=waiting)
    item_approve(actor=users["reviewer"], item=waiting, proofread=True, comment="初审通过")
    item_create(
        actor=users["clerk"],
        agency=qdn,
        title="关于公布2025年第一批低保对象名单的公示",
        summary="公示第一批城乡低保对象。",
        body="<p>经审核，现将名单公示如下。联系人：杨某某，手机13985512345。</p>",
        **base,
    )


@transaction.atomic
def load(loader) -> None:
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in=["qdn", "qdn-office"])}
    if len(agencies) < 2:
        return
    for agency in agencies.values():
        category_tree_ensure_default(actor=None, agency=agency)
    if not WordListEntry.objects.filter(agency=agencies["qdn"]).exists():
        for word in ("内部资料", "秘密级", "仅供领导参阅"):
            word_entry_add(actor=None, agency=agencies["qdn"], kind=WordListKind.SENSITIVE, word=word)
    if Item.objects.filter(agency__in=agencies.values()).exists():
        return  # loaded before
    rng = random.Random(2024)  # noqa: S311 - demo text, reproducible on purpose
    builder = _Builder(agencies)
    builder.links = []
    _history(builder, rng)
    # One published list that leaked a mobile number, as the monitoring finds on real sites.
    leaked = builder.items[-1]
    leaked.body += "<p>咨询电话：13985501234（杨某某）</p>"
    leaked.body_text += "\n咨询电话：13985501234（杨某某）"
    Item.objects.bulk_create(builder.items, batch_size=2000)
    for item, field, target in builder.links:
        setattr(item, field, target)
    Item.objects.bulk_update([i for i, _f, _t in builder.links], ["repeals", "interprets"], batch_size=500)
    ItemVersion.objects.bulk_create(
        [
            ItemVersion(item=i, number=1, title=i.title, summary=i.summary, body=i.body, metadata={"demo": True})
            for i in builder.items
        ],
        batch_size=2000,
    )
    for (agency_pk, year), last in builder.sequences.items():
        IndexSequence.objects.update_or_create(agency_id=agency_pk, year=year, defaults={"last": last})
    for start in range(0, len(builder.items), 2000):
        part = builder.items[start : start + 2000]
        search.index_write(
            [(i.pk, i.title, "\n".join([i.summary, i.body_text, i.document_number])) for i in part], replace=False
        )
    item_check(actor=None, item=leaked, record=False)
    loader.log(f"目录：{len(builder.items)} 条已发布信息")
    loader.created += len(builder.items)
    _live_items(agencies)
