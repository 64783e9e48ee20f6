"""Agencies (行政机关) and their tree: prefecture government, its offices and departments, counties, townships."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.validators import validate_credit_code

PATH_STEP = 6  # each level of the materialised path is a zero-padded 6-digit id and a slash


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    GENERAL_OFFICE = "general_office", _("政府办公室（厅）")
    DEPARTMENT = "department", _("政府工作部门")
    TOWNSHIP = "township", _("乡镇人民政府（街道办事处）")
    OTHER = "other", _("其他机关单位")


class Agency(models.Model):
    """An administrative organ. Every record in the platform belongs to one."""

    name = models.CharField(_("机关全称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50)
    slug = models.SlugField(
        _("网址代码"), max_length=50, unique=True, help_text=_("用于网址，只能包含字母、数字和连字符，如 qdn-fgw")
    )
    kind = models.CharField(_("机关类型"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机关"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "000001/000007/": the ids from the root down to this agency from the root, so a subtree is one indexed prefix query.
    path = models.CharField(_("层级路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    reports_with = models.ForeignKey(
        "self",
        verbose_name=_("合并报告机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_reporters",
        help_text=_("与另一机关合并编制年度报告时选择该机关，如州政府办公室与州人民政府合并报告"),
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    region_code = models.CharField(
        _("行政区划代码"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{6}(\d{3})?$", _("应为6位或9位数字"))],
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    # 政府信息公开工作机构: who the public contacts (条例 第十二条: the guide names its address, hours, phone).
    office_name = models.CharField(_("政府信息公开工作机构"), max_length=100)
    office_address = models.CharField(_("办公地址"), max_length=200)
    office_postcode = models.CharField(
        _("邮政编码"), max_length=6, validators=[RegexValidator(r"^\d{6}$", _("邮政编码应为6位数字"))]
    )
    office_phone = models.CharField(
        _("联系电话"),
        max_length=50,
        validators=[RegexValidator(r"^[\d\-()（）\s、,]{7,50}$", _("电话号码只能包含数字、连字符和括号"))],
    )
    office_fax = models.CharField(_("传真"), max_length=50, blank=True)
    office_email = models.EmailField(_("电子邮箱"), blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, default="工作日 上午9:00-12:00，下午14:30-17:30")

    # 条例 第五十一条: a reply names where the applicant may seek remedy. 行政复议法 第二十四条 (2023): the
    # reconsideration body is usually the people's government at the same level; the court is the one with
    # jurisdiction over the agency (行政诉讼法 第十八条).
    reconsideration_body = models.CharField(_("行政复议机关"), max_length=100, blank=True)
    competent_court = models.CharField(_("管辖人民法院"), max_length=100, blank=True)

    # Site identity shown in the portal footer, as every government site must carry it.
    site_name = models.CharField(_("网站名称"), max_length=100, blank=True)
    site_sponsor = models.CharField(_("主办单位"), max_length=100, blank=True)
    site_phone = models.CharField(_("网站联系电话"), max_length=50, blank=True)
    icp_number = models.CharField(_("ICP备案号"), max_length=50, blank=True)
    site_code = models.CharField(
        _("政府网站标识码"), max_length=10, blank=True, validators=[RegexValidator(r"^\d{10}$", _("应为10位数字"))]
    )
    police_record = models.CharField(_("公安机关备案号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("行政机关")
        verbose_name_plural = _("行政机关")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def path_for_child(self, child_id: int) -> str:
        return f"{self.path}{child_id:0{PATH_STEP}d}/"

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_descendant_of(self, other: "Agency") -> bool:
        return self.path.startswith(other.path)
