"""Letter texts: the defaults shipped here, overridden per agency by LetterTemplate rows that staff edit.

Placeholders are written {name}; unknown names are left as they are, so a typo shows up in the letter rather
than failing. A placeholder is a bare name and nothing else: a format specification (`{title:>50000000}` would
pad every later letter to 50 MB), a conversion (`{title!r}`) or attribute/index access (`{x.__class__}`,
`{x[0]}`) is refused when the template is saved (`template_problems`), and the renderer never evaluates them
either, so a template stored before this rule renders them as plain text. A rendered letter longer than
`MAX_LETTER_CHARS` is refused (`LetterTooLong`). The remedies paragraph cites 行政复议法 第二十条 (60 days) and 行政诉讼法 第四十六条 (6 months).
"""

import re
import string

from django.utils.translation import gettext as _

REMEDIES = (
    "申请人如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
    "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"
)

# 条例 第五十一条: where the agency has configured them, the reply names the reconsideration body and the court.
NAMED_REMEDIES = (
    "申请人如对本答复不服，可以自收到本告知书之日起六十日内向{reconsideration_body}申请行政复议，"
    "或者自收到本告知书之日起六个月内向{competent_court}提起行政诉讼。"
)


def remedies_for(reconsideration_body: str, competent_court: str) -> str:
    """The remedies paragraph: naming the two bodies when both are configured, else the generic sentence."""
    if reconsideration_body and competent_court:
        return NAMED_REMEDIES.format(reconsideration_body=reconsideration_body, competent_court=competent_court)
    return REMEDIES


HEADER = "{applicant}：\n"

FOOTER = "\n\n\u3000\u3000{remedies}\n\n联系地址：{office_address}　联系电话：{office_phone}\n\n{agency}\n{date}"

DEFAULT_BODIES: dict[tuple[str, str], str] = {
    ("reply", "disclosed"): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}），申请获取“{title}”。"
    "经审查，您申请获取的政府信息属于公开范围，根据{basis}的规定，现予以公开，"
    "按您要求的{form}形式通过{delivery}提供给您。\n　　{detail}" + FOOTER,
    ("reply", "partly_disclosed"): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}），申请获取“{title}”。"
    "经审查，您申请的信息中含有不应当公开的内容，但能够作区分处理。根据{basis}的规定，"
    "本机关向您提供可以公开的部分，不予公开部分的理由如下：\n　　{detail}" + FOOTER,
    ("reply", "withheld"): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}），申请获取“{title}”。"
    "经审查，该信息{outcome_reason}，根据{basis}的规定，不予公开。\n　　{detail}" + FOOTER,
    ("reply", "unavailable"): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}），申请获取“{title}”。"
    "经审查，{outcome_reason}，根据{basis}的规定，无法向您提供。\n　　{detail}" + FOOTER,
    ("reply", "not_processed"): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}），申请获取“{title}”。"
    "经审查，您的申请{outcome_reason}，根据{basis}的规定，本机关不予处理。\n　　{detail}" + FOOTER,
    ("reply", "other"): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}），申请获取“{title}”。"
    "{outcome_reason}，根据{basis}的规定，本机关不再处理该申请。\n　　{detail}" + FOOTER,
    ("correction", ""): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}）。经审查，您的申请内容不明确，"
    "根据《中华人民共和国政府信息公开条例》第三十条的规定，请您于{respond_by}前作出补正：\n　　{text}\n"
    "　　答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该申请。"
    + FOOTER,
    ("extension", ""): HEADER + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}）。因{text}，"
    "不能在规定期限内答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，"
    "经政府信息公开工作机构负责人同意，答复期限延长{days}个工作日，本机关将于{due}前作出答复。" + FOOTER,
    ("delay", ""): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}）。因{text}，申请公开政府信息的数量明显超过合理范围，"
    "本机关无法在规定期限内答复。根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关确定延迟答复的合理期限为"
    "{days}个工作日，将于{due}前作出答复。" + FOOTER,
    ("fee", ""): HEADER
    + "　　本机关于{received}收到您提出的政府信息公开申请（编号：{number}）。根据《中华人民共和国政府信息公开条例》"
    "第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，您的申请需缴纳信息处理费{amount}元，"
    "计算过程如下：\n{working}\n　　请于{pay_by}前缴纳（自收到本通知次日起20个工作日内）。"
    "逾期未缴纳的，视为放弃申请，本机关不再处理该申请。" + FOOTER,
    ("consultation", ""): "{party}：\n"
    + "　　本机关收到政府信息公开申请（编号：{number}），申请获取“{title}”，该信息可能涉及贵方合法权益。"
    "根据《中华人民共和国政府信息公开条例》第三十二条的规定，请于{respond_by}前（自收到本函之日起15个工作日内）"
    "提出意见；逾期未提出意见的，由本机关依照条例规定决定是否公开。\n　　{text}\n\n{agency}\n{date}",
}

OUTCOME_REASONS = {
    "withheld_state_secret": "属于国家秘密",
    "withheld_prohibited": "属于法律、行政法规禁止公开的信息",
    "withheld_security": "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    "withheld_third_party": "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
    "withheld_internal": "属于人事管理、后勤管理、内部工作流程等内部事务信息",
    "withheld_process": "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息",
    "withheld_enforcement": "属于行政执法案卷信息",
    "withheld_inquiry": "属于法律、行政法规对信息的获取有特别规定的行政查询事项，请依照相关规定办理",
    "unavailable_not_held": "本机关未制作或获取您申请的政府信息",
    "unavailable_needs_creation": "您申请的信息需要本机关对现有政府信息进行加工、分析后另行制作",
    "unavailable_unclear": "经补正后申请内容仍不明确",
    "not_processed_petition": "属于以政府信息公开申请的形式进行信访、投诉、举报等活动，请通过相应渠道反映",
    "not_processed_repeat": "与您此前已获答复的申请内容相同，属于重复申请",
    "not_processed_publication": "要求提供政府公报等公开出版物，请通过公开出版渠道获取",
    "not_processed_excessive": "申请公开政府信息的数量、频次明显超过合理范围，且未说明理由或理由不合理",
    "not_processed_confirmation": "要求行政机关确认或者重新出具已获取的信息",
    "other_no_correction": "您无正当理由逾期未补正，视为放弃申请",
    "other_fee_unpaid": "您逾期未按收费通知要求缴纳费用，视为放弃申请",
    "other": "本申请已终止办理",
}


def outcome_group(outcome: str) -> str:
    """The template family of an outcome: disclosed, partly_disclosed, withheld, unavailable, not_processed, other."""
    for prefix in ("withheld", "unavailable", "not_processed"):
        if outcome.startswith(prefix):
            return prefix
    if outcome in ("disclosed", "partly_disclosed"):
        return outcome
    return "other"


#: The longest letter the platform issues (characters). The longest default letter with a long free-text detail
#: is a few thousand characters; a letter of 100 000 is a template or an input gone wrong.
MAX_LETTER_CHARS = 100_000

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class LetterTooLong(ValueError):
    """A rendered letter is longer than MAX_LETTER_CHARS."""


def template_problems(body: str) -> list[str]:
    """What is wrong with a template's placeholders, in Chinese; empty when it may be saved.

    Raises nothing: unbalanced braces, format specifications, conversions and attribute/index access are all
    reported as sentences naming the placeholder.
    """
    problems: list[str] = []
    try:
        parts = list(string.Formatter().parse(body))
    except ValueError:
        return [_("正文模板中的花括号不成对：请把每个“{”与“}”配对，字面的花括号写成“{{”和“}}”。")]
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        if not _PLAIN_NAME.match(name):
            problems.append(
                _("正文模板中的占位符“%(p)s”不允许：只能写{名称}，不能取属性、下标或写空名称。") % {"p": shown}
            )
        elif spec or conversion:
            problems.append(
                _("正文模板中的占位符“%(p)s”不允许：占位符不能带格式说明或转换，请写成“{%(n)s}”。")
                % {"p": shown, "n": name}
            )
    return problems


def render_letter(body: str, values: dict) -> str:
    """Fill the placeholders with `values` (plus the remedies paragraph) by name only: never `str.format`.

    A placeholder that is not a plain known name (unknown, or with a format specification or attribute access
    from a template saved before the rule) is left in the letter as written.
    """
    values = {"remedies": REMEDIES, **values}
    out: list[str] = []
    size = 0
    try:
        parts = list(string.Formatter().parse(body))
    except ValueError:
        parts = [(body, None, None, None)]
    for literal, name, spec, conversion in parts:
        pieces = [literal]
        if name is not None:
            if _PLAIN_NAME.match(name) and not spec and not conversion and name in values:
                pieces.append(str(values[name]))
            else:
                pieces.append(
                    "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
                )
        for piece in pieces:
            size += len(piece)
            if size > MAX_LETTER_CHARS:
                raise LetterTooLong(MAX_LETTER_CHARS)
            out.append(piece)
    return "".join(out)
