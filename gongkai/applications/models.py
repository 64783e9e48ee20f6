"""Disclosure on application (依申请公开): applicants, applications, clock pauses, extensions, fees, letters.

Models hold fields, constraints and pure methods; every change goes through services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from gongkai.core.identifiers import mask_phone, mask_resident_id
from gongkai.core.storage import private_storage
from gongkai.core.workflow import Transitions


class ApplicantKind(models.TextChoices):
    NATURAL = "natural", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class OrganisationType(models.TextChoices):
    # The five organisation columns of the annual report's table (国办公开办函〔2021〕30号).
    BUSINESS = "business", _("商业企业")
    RESEARCH = "research", _("科研机构")
    PUBLIC_INTEREST = "public_interest", _("社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法律服务机构")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_TAIWAN = "hmt_permit", _("港澳台居民居住证或通行证")
    OTHER = "other", _("其他有效身份证件")


class Applicant(models.Model):
    """申请人. Identity numbers and phones are shown masked everywhere except the case page in the back office."""

    kind = models.CharField(_("申请人类型"), max_length=20, choices=ApplicantKind.choices)
    name = models.CharField(_("姓名或名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    organisation_type = models.CharField(_("组织类型"), max_length=20, choices=OrganisationType.choices, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")

    def __str__(self) -> str:
        return self.name

    @property
    def report_column(self) -> str:
        """The annual report column this applicant is counted in."""
        if self.kind == ApplicantKind.NATURAL:
            return "natural"
        return self.organisation_type or OrganisationType.OTHER

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Channel(models.TextChoices):
    # 条例 第三十一条: the receipt date depends on how the application arrived.
    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    POST = "post", _("邮寄")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")


class FormWanted(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("当面领取")
    ONLINE = "online", _("网上获取")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_CORRECTION = "awaiting_correction", _("待申请人补正")
    CONSULTING = "consulting", _("征求意见中")
    AWAITING_FEE = "awaiting_fee", _("待缴纳信息处理费")
    CLOSED = "closed", _("已办结")


# Only services move statuses, and only along these arrows.
TRANSITIONS = Transitions(
    {
        Status.IN_PROGRESS: {Status.AWAITING_CORRECTION, Status.CONSULTING, Status.AWAITING_FEE, Status.CLOSED},
        Status.AWAITING_CORRECTION: {Status.IN_PROGRESS, Status.CLOSED},
        Status.CONSULTING: {Status.IN_PROGRESS, Status.CLOSED},
        Status.AWAITING_FEE: {Status.IN_PROGRESS, Status.CLOSED},
        Status.CLOSED: set(),
    },
    Status,
    describe=lambda application: _("申请%(number)s") % {"number": application.number},
)


class AlertState(models.TextChoices):
    NONE = "", _("正常")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")


class Outcome(models.TextChoices):
    """办理结果: one per case, the rows of section 三 of the annual report (2021 format)."""

    DISCLOSED = "disclosed", _("予以公开")
    PARTLY_DISCLOSED = "partly_disclosed", _("部分公开（区分处理）")
    WITHHELD_STATE_SECRET = "withheld_state_secret", _("不予公开：属于国家秘密")
    WITHHELD_PROHIBITED = "withheld_prohibited", _("不予公开：其他法律行政法规禁止公开")
    WITHHELD_SECURITY = "withheld_security", _("不予公开：危及“三安全一稳定”")
    WITHHELD_THIRD_PARTY = "withheld_third_party", _("不予公开：保护第三方合法权益")
    WITHHELD_INTERNAL = "withheld_internal", _("不予公开：属于三类内部事务信息")
    WITHHELD_PROCESS = "withheld_process", _("不予公开：属于四类过程性信息")
    WITHHELD_ENFORCEMENT = "withheld_enforcement", _("不予公开：属于行政执法案卷")
    WITHHELD_INQUIRY = "withheld_inquiry", _("不予公开：属于行政查询事项")
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", _("无法提供：本机关不掌握相关政府信息")
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation", _("无法提供：没有现成信息需要另行制作")
    UNAVAILABLE_UNCLEAR = "unavailable_unclear", _("无法提供：补正后申请内容仍不明确")
    NOT_PROCESSED_PETITION = "not_processed_petition", _("不予处理：信访举报投诉类申请")
    NOT_PROCESSED_REPEAT = "not_processed_repeat", _("不予处理：重复申请")
    NOT_PROCESSED_PUBLICATION = "not_processed_publication", _("不予处理：要求提供公开出版物")
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive", _("不予处理：无正当理由大量反复申请")
    NOT_PROCESSED_CONFIRMATION = "not_processed_confirmation", _("不予处理：要求行政机关确认或重新出具已获取信息")
    OTHER_NO_CORRECTION = "other_no_correction", _("其他处理：申请人无正当理由逾期不补正")
    OTHER_FEE_UNPAID = "other_fee_unpaid", _("其他处理：申请人逾期未按收费通知要求缴纳费用")
    OTHER = "other", _("其他处理：其他（含申请人撤回申请）")


# Outcome -> (row of table 三, legal basis cited in the reply letter). Spec §2.3 and §2.6.
OUTCOME_TABLE: dict[str, tuple[str, str]] = {
    Outcome.DISCLOSED: ("R3.1", "《中华人民共和国政府信息公开条例》第三十六条第（一）项、第（二）项"),
    Outcome.PARTLY_DISCLOSED: ("R3.2", "《中华人民共和国政府信息公开条例》第三十七条"),
    Outcome.WITHHELD_STATE_SECRET: ("R3.3.1", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.WITHHELD_PROHIBITED: ("R3.3.2", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.WITHHELD_SECURITY: ("R3.3.3", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.WITHHELD_THIRD_PARTY: (
        "R3.3.4",
        "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项",
    ),
    Outcome.WITHHELD_INTERNAL: ("R3.3.5", "《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第（三）项"),
    Outcome.WITHHELD_PROCESS: ("R3.3.6", "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项"),
    Outcome.WITHHELD_ENFORCEMENT: ("R3.3.7", "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项"),
    Outcome.WITHHELD_INQUIRY: ("R3.3.8", "《中华人民共和国政府信息公开条例》第三十六条第（七）项"),
    Outcome.UNAVAILABLE_NOT_HELD: ("R3.4.1", "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: ("R3.4.2", "《中华人民共和国政府信息公开条例》第三十八条"),
    Outcome.UNAVAILABLE_UNCLEAR: ("R3.4.3", "《中华人民共和国政府信息公开条例》第三十条"),
    Outcome.NOT_PROCESSED_PETITION: ("R3.5.1", "《中华人民共和国政府信息公开条例》第三十九条第一款"),
    Outcome.NOT_PROCESSED_REPEAT: ("R3.5.2", "《中华人民共和国政府信息公开条例》第三十六条第（六）项"),
    Outcome.NOT_PROCESSED_PUBLICATION: ("R3.5.3", "《中华人民共和国政府信息公开条例》第三十九条第二款"),
    Outcome.NOT_PROCESSED_EXCESSIVE: ("R3.5.4", "《中华人民共和国政府信息公开条例》第三十五条"),
    Outcome.NOT_PROCESSED_CONFIRMATION: ("R3.5.5", "《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"),
    Outcome.OTHER_NO_CORRECTION: ("R3.6.1", "《中华人民共和国政府信息公开条例》第三十条"),
    Outcome.OTHER_FEE_UNPAID: ("R3.6.2", "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"),
    Outcome.OTHER: ("R3.6.3", "《中华人民共和国政府信息公开条例》第三十三条"),
}


class Topic(models.Model):
    """申请内容主题 (征地拆迁, 项目建设 …): what the annual report says applications were mostly about."""

    name = models.CharField(_("主题"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("申请主题")
        verbose_name_plural = _("申请主题")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """申请: one disclosure application, one case, one outcome."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    tracking_code = models.CharField(_("查询码"), max_length=32, unique=True)
    # An online form's one-time token: a second submission with the same token returns the first case.
    submission_key = models.CharField(_("提交标识"), max_length=64, unique=True, null=True, blank=True)
    channel = models.CharField(_("申请方式"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    title = models.CharField(_("所需信息名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    # 国办函〔2020〕109号 counts 件 (items of information), not applications: one application may ask for several.
    # 1 until a clerk counts them (the per-item fee notice records its count here).
    items = models.PositiveIntegerField(_("申请件数"), default=1)
    description = models.TextField(_("所需信息的其他特征描述"), blank=True)
    form_wanted = models.CharField(_("信息提供形式"), max_length=20, choices=FormWanted.choices)
    delivery_method = models.CharField(_("获取信息方式"), max_length=20, choices=DeliveryMethod.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("主题"), blank=True, related_name="applications")
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.IN_PROGRESS)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_applications",
    )
    # The reply deadline as last computed by the clock (None while the clock is stopped); indexed for the queue.
    due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    due_verified = models.BooleanField(_("期限已按官方节假日核实"), default=True)
    alert_state = models.CharField(_("提醒状态"), max_length=20, choices=AlertState.choices, default="", blank=True)
    outcome = models.CharField(_("办理结果"), max_length=40, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField(_("答复理由"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True, db_index=True)
    # How the applicant chose to hear about the case (online form): e-mail, SMS, both or neither.
    notify_email = models.BooleanField(_("邮件通知"), default=False)
    notify_sms = models.BooleanField(_("短信通知"), default=False)
    # 条例 第四十四条第二款: the applicant may suggest that the information be disclosed proactively.
    suggests_proactive = models.BooleanField(_("申请人建议主动公开"), default=False)
    # 条例 第四十四条: the catalogue draft this case's information was turned into (by the participation app,
    # which may use both apps; named as a string so this app does not import the catalogue).
    proactive_item = models.ForeignKey(
        "catalogue.Item",
        verbose_name=_("转为主动公开的目录条目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="closed", closed_on__isnull=False) & ~models.Q(outcome=""))
                | (~models.Q(status="closed") & models.Q(closed_on__isnull=True, outcome="")),
                name="application_closed_has_outcome",
            )
        ]
        indexes = [
            # Numbering a new case reads the agency's greatest number of the year, the longest first
            # (services/intake.py): in this index that is one step, where the agency's index alone read and
            # sorted every case it ever had.
            models.Index(F("agency"), Length("number").desc(), F("number").desc(), name="application_agency_number"),
            # The case page's Article 44 panel compares the agency's cases of two years, newest first
            # (participation.selectors.article44_similar): read in this order, not sorted from all of them.
            models.Index(fields=["agency", "received_on"], name="application_agency_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def report_row(self) -> str:
        return OUTCOME_TABLE[self.outcome][0] if self.outcome else ""

    @property
    def legal_basis(self) -> str:
        return OUTCOME_TABLE[self.outcome][1] if self.outcome else ""

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class PauseKind(models.TextChoices):
    CORRECTION = "correction", _("补正")
    THIRD_PARTY = "third_party", _("征求第三方意见")
    OTHER_AGENCY = "other_agency", _("征求其他机关意见")
    FEE = "fee", _("等待缴纳信息处理费")


class ClockPause(models.Model):
    """A stretch of time the answer clock does not count (or, for a correction, restarts after).

    Never overwritten: a pause is opened with `started_on` and closed once with `ended_on`.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("类型"), max_length=20, choices=PauseKind.choices)
    started_on = models.DateField(_("开始日期"))
    # The date the other side must answer by: the applicant's correction period, the 15 working days of a third
    # party (条例 第三十二条), the 20 working days to pay (国办函〔2020〕109号).
    respond_by = models.DateField(_("答复或补正截止日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    counted = models.BooleanField(_("计入答复期限"), default=False)
    request_text = models.TextField(_("事项说明"), blank=True)
    result_text = models.TextField(_("结果"), blank=True)
    consulted_party = models.CharField(_("征求意见对象"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # A correction the applicant answered on the tracking page (条例 第三十条): when it arrived, and when the
    # handler read it (until then it waits in the handler's to-do list, gongkai.inbox).
    answered_online_at = models.DateTimeField(_("网上提交补正时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("补正材料查阅时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("计时中止")
        verbose_name_plural = _("计时中止")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class ExtensionKind(models.TextChoices):
    # 条例 第三十三条第二款: at most 20 more working days in all.
    EXTENSION = "extension", _("延期答复（条例第三十三条）")
    # 条例 第三十五条: a reasonable request too large to answer in time gets a reasonable, notified delay.
    DELAY = "delay", _("延迟答复（条例第三十五条）")


class Extension(models.Model):
    """More time to answer, approved and notified to the applicant: an Art 33 extension or an Art 35 delay."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="extensions")
    kind = models.CharField(_("类型"), max_length=20, choices=ExtensionKind.choices, default=ExtensionKind.EXTENSION)
    days = models.PositiveSmallIntegerField(_("延长工作日数"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_on = models.DateField(_("申请日期"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期答复")
        verbose_name_plural = _("延期答复")
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return f"+{self.days}"


class FeeMethod(models.TextChoices):
    PER_ITEM = "per_item", _("按件计收")
    PER_PAGE = "per_page", _("按量计收")


class Fee(models.Model):
    """信息处理费 (国办函〔2020〕109号): one standard per application, computed with its working."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="fees")
    method = models.CharField(_("计收方式"), max_length=20, choices=FeeMethod.choices)
    quantity = models.PositiveIntegerField(_("件数或页数"))
    prior_items = models.PositiveIntegerField(_("本月此前已申请件数"), default=0)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    working = models.TextField(_("计算过程"))
    notified_on = models.DateField(_("收费通知日期"))
    pay_by = models.DateField(_("缴费截止日期"))
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    receipt_number = models.CharField(_("票据号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("信息处理费")
        verbose_name_plural = _("信息处理费")

    def __str__(self) -> str:
        return f"{self.amount} 元"


class LetterKind(models.TextChoices):
    REPLY = "reply", _("政府信息公开申请答复告知书")
    CORRECTION = "correction", _("补正申请告知书")
    EXTENSION = "extension", _("延期答复告知书")
    DELAY = "delay", _("延迟答复告知书")
    FEE = "fee", _("信息处理费收费通知")
    CONSULTATION = "consultation", _("征求第三方意见函")


class LetterTemplate(models.Model):
    """An editable letter text. `agency` empty means the default for every agency; `outcome` only for replies."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    outcome_group = models.CharField(_("适用办理结果"), max_length=40, blank=True)
    body = models.TextField(_("正文模板"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "outcome_group"], name="unique_letter_template")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.outcome_group}".strip()


class Letter(models.Model):
    """A letter sent to the applicant, its text frozen when issued; delivery is recorded on it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    number = models.CharField(_("文书编号"), max_length=60)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    issued_on = models.DateField(_("出具日期"))
    delivery_method = models.CharField(_("送达方式"), max_length=20, choices=DeliveryMethod.choices, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("告知书")
        verbose_name_plural = _("告知书")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


def attachment_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/{filename}"


class Attachment(models.Model):
    """身份证明 and other files sent with an application (types and size checked by the form)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    # Set for the material an applicant sent with an online correction (条例 第三十条); empty for the form's files.
    correction = models.ForeignKey(
        ClockPause,
        verbose_name=_("所属补正"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    # Identity papers: the private root, sent only by the access-checked staff view (gongkai.core.storage).
    file = models.FileField(_("文件"), upload_to=attachment_path, storage=private_storage)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------------------ sign-off
# The outcome families an agency may require sign-off for (the reply letter's families, less 其他处理, whose
# endings — lapses and withdrawal — are recorded facts rather than decisions). Internal control, not a rule of
# the Regulations: the agency decides which replies its approver must sign before they are issued.
SIGN_OFF_GROUPS: list[tuple[str, str]] = [
    ("disclosed", _("予以公开")),
    ("partly_disclosed", _("部分公开")),
    ("withheld", _("不予公开")),
    ("unavailable", _("无法提供")),
    ("not_processed", _("不予处理")),
]
DEFAULT_SIGN_OFF_GROUPS = frozenset({"partly_disclosed", "withheld", "unavailable", "not_processed"})
#: The names of the reply families whose letters share a template (`letters.outcome_group`), as staff read them.
OUTCOME_GROUP_LABELS: dict[str, str] = {**dict(SIGN_OFF_GROUPS), "other": _("其他处理")}


class SignOffSetting(models.Model):
    """Which reply outcomes of one agency need the approver's sign-off; no row means the default."""

    agency = models.OneToOneField(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.CASCADE, related_name="sign_off_setting"
    )
    outcome_groups = models.JSONField(_("须经签发的办理结果"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("答复签发设置")
        verbose_name_plural = _("答复签发设置")

    def __str__(self) -> str:
        return str(self.agency_id)


class DraftState(models.TextChoices):
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("待签发")
    READY = "ready", _("无须签发，待出具")
    SIGNED = "signed", _("已签发，待出具")
    RETURNED = "returned", _("已退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    ISSUED = "issued", _("已出具")


# A draft is decided once: signed or returned; a signed or ready draft is issued or withdrawn. A returned or
# withdrawn draft stays as history, and the handler drafts again.
DRAFT_TRANSITIONS = Transitions(
    {
        DraftState.AWAITING_SIGN_OFF: {DraftState.SIGNED, DraftState.RETURNED, DraftState.WITHDRAWN},
        DraftState.READY: {DraftState.ISSUED, DraftState.WITHDRAWN},
        DraftState.SIGNED: {DraftState.ISSUED, DraftState.WITHDRAWN},
        DraftState.RETURNED: set(),
        DraftState.WITHDRAWN: set(),
        DraftState.ISSUED: set(),
    },
    DraftState,
    describe=lambda draft: _("申请%(number)s的拟办答复") % {"number": draft.application.number},
)
LIVE_DRAFT_STATES = (DraftState.AWAITING_SIGN_OFF, DraftState.READY, DraftState.SIGNED)


class ReplyDraft(models.Model):
    """拟办意见: the reply a handler proposes (outcome, reasons, topics), signed or returned by the approver."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="drafts")
    outcome = models.CharField(_("办理结果"), max_length=40, choices=Outcome.choices)
    detail = models.TextField(_("答复内容及理由"), blank=True)
    topics = models.JSONField(_("主题"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=DraftState.choices)
    needs_sign_off = models.BooleanField(_("须经签发"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("拟办人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drafted_at = models.DateTimeField(_("拟办时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("签发或退回时间"), null=True, blank=True)
    comment = models.TextField(_("签发或退回意见"), blank=True)

    class Meta:
        verbose_name = _("拟办答复")
        verbose_name_plural = _("拟办答复")
        ordering = ["drafted_at", "id"]
        indexes = [models.Index(fields=["state"], name="reply_draft_state")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_outcome_display()}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_DRAFT_STATES

    @property
    def may_be_issued(self) -> bool:
        return self.state == DraftState.SIGNED or (self.state == DraftState.READY and not self.needs_sign_off)


class ReplyFileKind(models.TextChoices):
    DISCLOSED = "disclosed", _("公开的政府信息")
    # 条例 第三十七条: the part that may be disclosed, with what may not be removed or covered.
    REDACTED = "redacted", _("区分处理后的政府信息")


def reply_file_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/reply/{filename}"


class ReplyFile(models.Model):
    """A file of disclosed information sent with the reply (条例 第三十六条、第三十七条, 第四十条 form and manner).

    Uploaded with the draft reply (拟办), so the approver who signs it sees exactly what will be released (for
    部分公开, that the redaction removed what 第三十七条 requires); it goes out with the reply letter when the reply
    is issued (`letter` set then). Only a file with a letter is ever served to the applicant. Kept in the
    private root; the applicant downloads it from the tracking page with the tracking code, staff from the case
    page. The first download counts as delivery of the reply where online delivery was chosen.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reply_files")
    draft = models.ForeignKey(
        ReplyDraft, verbose_name=_("拟办答复"), on_delete=models.CASCADE, related_name="files", null=True, blank=True
    )
    letter = models.ForeignKey(
        Letter, verbose_name=_("答复告知书"), on_delete=models.CASCADE, related_name="files", null=True, blank=True
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ReplyFileKind.choices)
    file = models.FileField(_("文件"), upload_to=reply_file_path, storage=private_storage)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    first_downloaded_at = models.DateTimeField(_("首次下载时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("答复附带的政府信息")
        verbose_name_plural = _("答复附带的政府信息")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name
