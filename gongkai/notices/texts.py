"""Notice texts: the defaults shipped here, overridden per agency by NoticeTemplate rows that staff edit.

Placeholders are written {name} as in the letters (applications/letters.py); an unknown name is left as it is,
so a typo shows in the notice rather than stopping it. The placeholders of each event are listed in
docs/notifications.md. No text may carry an identity number (services.notice_queue refuses one).
"""

import math
import string

from django.utils.translation import gettext_lazy as _

# event -> its label (the event list of the template page and of docs/notifications.md).
EVENTS: dict[str, str] = {
    "application.receipt": _("申请受理回执（条例第三十一条）"),
    "application.correction": _("补正通知（条例第三十条）"),
    "application.correction_reminder": _("补正期限提醒"),
    "application.correction_received": _("已收到网上补正，答复期限重新计算（条例第三十条）"),
    "application.extension": _("延期答复通知（条例第三十三条）"),
    "application.consultation": _("征求第三方意见、答复期限中止（条例第三十二条）"),
    "application.fee": _("信息处理费收费通知"),
    "application.fee_reminder": _("缴费期限提醒"),
    "application.reply": _("答复已作出"),
    "application.due_soon": _("申请即将到期（工作人员）"),
    "application.overdue": _("申请已超期（工作人员）"),
    "annual_report.due_soon": _("年度报告即将到期（条例第四十九条）"),
    "annual_report.overdue": _("年度报告逾期未发布（条例第四十九条）"),
    "inspection.overdue": _("督查整改逾期（工作人员）"),
    "jobs.failed": _("定时任务失败（站点管理员）"),
    "inbox.digest": _("每日待办邮件摘要（工作人员自选）"),
}

# Notices that belong to no agency (to site administrators; a person's digest across their agencies): only the
# site-wide text applies, so an agency's template list leaves them out.
SITE_WIDE_EVENTS = frozenset({"jobs.failed", "inbox.digest"})

# Placeholders every event may use, then each event's own.
COMMON_PLACEHOLDERS = ["agency", "office_phone", "site"]
EVENT_PLACEHOLDERS: dict[str, list[str]] = {
    "application.receipt": ["number", "tracking_code", "title", "received", "due", "due_basis", "track_url"],
    "application.correction": ["number", "title", "respond_by", "text", "track_url"],
    "application.correction_reminder": ["number", "respond_by", "track_url"],
    "application.correction_received": ["number", "title", "received", "due", "due_basis", "track_url"],
    "application.extension": ["number", "days", "due", "track_url"],
    "application.consultation": ["number", "respond_by", "track_url"],
    "application.fee": ["number", "amount", "pay_by", "track_url"],
    "application.fee_reminder": ["number", "amount", "pay_by", "track_url"],
    "application.reply": ["number", "title", "outcome", "letter_url", "track_url"],
    "application.due_soon": ["number", "title", "received", "due"],
    "application.overdue": ["number", "title", "received", "due"],
    "annual_report.due_soon": ["year", "deadline"],
    "annual_report.overdue": ["year", "deadline"],
    "inspection.overdue": ["inspected", "title", "due"],
    "jobs.failed": ["job", "error", "attempts"],
    "inbox.digest": ["name", "date", "total", "sections", "inbox_url"],
}

_T = "【{agency}】"
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("application.receipt", "email"): (
        "政府信息公开申请已收到：{number}",
        "您好：\n\n{agency}已于{received}收到您的政府信息公开申请“{title}”。\n"
        "申请编号：{number}\n查询码：{tracking_code}\n收到申请日期：{received}（条例第三十一条）\n"
        "答复期限：{due}\n期限计算：{due_basis}\n\n"
        "凭申请编号和查询码可查询办理进度：{track_url}\n\n{agency}　联系电话：{office_phone}",
    ),
    ("application.receipt", "sms"): (
        "",
        # Short enough for one message (70 characters) even when the date carries the SMS's "（暂定）" mark.
        _T + "已受理申请{number}，查询码{tracking_code}，{due}前答复。",
    ),
    ("application.correction", "email"): (
        "请补正政府信息公开申请：{number}",
        "您好：\n\n您的政府信息公开申请（编号：{number}，“{title}”）内容不明确，请于{respond_by}前补正"
        "（条例第三十条）：\n{text}\n\n补正告知书及办理进度：{track_url}\n\n{agency}　联系电话：{office_phone}",
    ),
    ("application.correction", "sms"): ("", _T + "您的申请{number}需补正，请于{respond_by}前补正，详见补正告知书。"),
    ("application.correction_received", "email"): (
        "已收到您的补正：{number}",
        "您好：\n\n{agency}已于{received}收到您在网上提交的补正（申请编号：{number}，“{title}”）。"
        "答复期限自收到补正之日起重新计算（条例第三十条），为{due}。\n期限计算：{due_basis}\n\n"
        "办理进度：{track_url}\n\n{agency}　联系电话：{office_phone}",
    ),
    ("application.correction_received", "sms"): ("", _T + "已收到您的申请{number}的补正，{due}前答复。"),
    ("application.correction_reminder", "email"): (
        "补正期限即将届满：{number}",
        "您好：\n\n您的政府信息公开申请（编号：{number}）的补正期限为{respond_by}。逾期不补正的，视为放弃申请"
        "（条例第三十条）。\n\n{track_url}\n\n{agency}　联系电话：{office_phone}",
    ),
    ("application.correction_reminder", "sms"): ("", _T + "您的申请{number}补正期限{respond_by}届满，逾期视为放弃。"),
    ("application.extension", "email"): (
        "政府信息公开申请延期答复：{number}",
        "您好：\n\n您的政府信息公开申请（编号：{number}）经批准延长答复期限{days}个工作日，"
        "本机关将于{due}前答复（条例第三十三条第二款）。\n\n{track_url}\n\n{agency}　联系电话：{office_phone}",
    ),
    ("application.extension", "sms"): ("", _T + "您的申请{number}延期{days}个工作日，将于{due}前答复。"),
    ("application.consultation", "email"): (
        "政府信息公开申请征求第三方意见：{number}",
        "您好：\n\n您申请的信息可能涉及第三方合法权益，本机关正在征求第三方意见（条例第三十二条），"
        "征求意见期间（至{respond_by}）不计算在答复期限内。\n申请编号：{number}\n\n{track_url}\n\n"
        "{agency}　联系电话：{office_phone}",
    ),
    ("application.consultation", "sms"): ("", _T + "您的申请{number}正在征求第三方意见，期间不计入答复期限。"),
    ("application.fee", "email"): (
        "信息处理费收费通知：{number}",
        "您好：\n\n您的政府信息公开申请（编号：{number}）需缴纳信息处理费{amount}元，请于{pay_by}前缴纳"
        "（国办函〔2020〕109号）。逾期未缴纳的，视为放弃申请。\n\n收费通知：{track_url}\n\n"
        "{agency}　联系电话：{office_phone}",
    ),
    ("application.fee", "sms"): ("", _T + "您的申请{number}需缴信息处理费{amount}元，请于{pay_by}前缴纳。"),
    ("application.fee_reminder", "email"): (
        "缴费期限即将届满：{number}",
        "您好：\n\n您的政府信息公开申请（编号：{number}）的信息处理费{amount}元须于{pay_by}前缴纳，"
        "逾期未缴纳的，视为放弃申请。\n\n{track_url}\n\n{agency}　联系电话：{office_phone}",
    ),
    ("application.fee_reminder", "sms"): ("", _T + "您的申请{number}须于{pay_by}前缴费{amount}元，逾期视为放弃。"),
    ("application.reply", "email"): (
        "政府信息公开申请已答复：{number}",
        "您好：\n\n本机关已对您的政府信息公开申请（编号：{number}，“{title}”）作出答复：{outcome}。\n"
        "答复告知书：{letter_url}\n答复告知书和公开的信息文件可在查询页面查看、下载：{track_url}\n\n"
        "{agency}　联系电话：{office_phone}",
    ),
    ("application.reply", "sms"): ("", _T + "您的申请{number}已答复，请凭查询码在查询页面查看答复告知书和信息文件。"),
    ("application.due_soon", "email"): (
        "【政府信息公开申请即将到期】{number}",
        "{agency}\n申请编号：{number}\n所需信息：{title}\n收到日期：{received}\n答复期限：{due}\n"
        "状态：即将到期。请及时办理（条例第三十三条）。",
    ),
    ("application.overdue", "email"): (
        "【政府信息公开申请已超过答复期限】{number}",
        "{agency}\n申请编号：{number}\n所需信息：{title}\n收到日期：{received}\n答复期限：{due}\n"
        "状态：已超过答复期限。请及时办理（条例第三十三条）。",
    ),
    ("annual_report.due_soon", "email"): (
        "{year}年政府信息公开工作年度报告须于{deadline}前发布",
        "{agency}：\n\n根据条例第四十九条，{year}年政府信息公开工作年度报告须于{deadline}前向社会公布，"
        "目前尚未发布。请抓紧编制、审核并发布。",
    ),
    ("annual_report.overdue", "email"): (
        "{year}年政府信息公开工作年度报告逾期未发布",
        "{agency}：\n\n根据条例第四十九条，{year}年政府信息公开工作年度报告应于{deadline}前向社会公布，"
        "至今尚未发布。请立即发布。",
    ),
    ("inspection.overdue", "email"): (
        "督查整改逾期：{inspected}",
        "{agency}：\n\n对{inspected}的督查“{title}”整改期限为{due}，至今尚未完成整改。请督促整改。",
    ),
    ("jobs.failed", "email"): (
        "定时任务失败：{job}",
        "定时任务“{job}”在{attempts}次尝试后仍然失败：\n{error}\n\n请在后台“定时任务”页查看。",
    ),
    ("inbox.digest", "email"): (
        "{date}待办：{total}项",
        "{name}：\n\n截至{date}早上，以下{total}项工作等待您处理：\n\n{sections}\n\n"
        "登录后台查看全部待办：{inbox_url}\n\n事项办完后自动从待办中消失。"
        "如不再需要本邮件，可在后台“我的通知设置”中关闭。",
    ),
}

SMS_SEGMENT = 70  # characters of one Chinese (UCS-2) text message
SMS_PART = 67  # characters of each part of a longer message (3 go to the joining header)


def sms_segments(text: str) -> int:
    """How many text messages the SMS takes: one up to 70 characters, then 67 per part."""
    n = len(text)
    return 1 if n <= SMS_SEGMENT else math.ceil(n / SMS_PART)


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(text: str, values: dict) -> str:
    """Fill {placeholders}; unknown ones stay as written. Only plain names are filled (no attribute access)."""
    try:
        names = {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:  # a stray brace: the text goes out as written
        return text
    if not all(name.isidentifier() for name in names):
        return text
    return text.format_map(_Keep({k: ("" if v is None else str(v)) for k, v in values.items()}))


def placeholders_for(event: str) -> list[str]:
    return COMMON_PLACEHOLDERS + EVENT_PLACEHOLDERS.get(event, [])
