"""Drafting the report's sentences from its numbers, in the manner of published reports; staff then edit them.

Numbers are written the way reports write them: exact below ten thousand, "602万余" above, so the drafted text
always passes the narrative check against the figures it came from.
"""

from decimal import Decimal

from gongkai.annual_reports.figures import ReportFigures


def wan(value) -> str:
    """6,021,345 → "602万余"; 17,150 → "17150"; 77,120 → "7.7万余"."""
    value = int(value)
    if value < 100_000:
        return str(value) if value < 20_000 else f"{Decimal(value // 1000) / 10}万余"
    whole = value // 10_000
    return f"{whole}万余" if value % 10_000 else f"{whole}万"


def draft_section1(figures: ReportFigures, *, agency_name: str, year: int) -> dict[str, str]:
    f = figures

    def n(code: str) -> int:
        return int(f.s1(code).value)

    items = n("items_published")
    proactive = (
        f"按照《条例》规定，全面梳理主动公开内容，通过政府门户网站公开各类信息{_items(items)}条，"
        f"回应公众关切{n('concern_responses')}次，开展网上征集{n('online_consultations')}期，"
        f"开展网上调查{n('online_surveys')}期，开展政策解读{n('policy_interpretations')}期"
    )
    if n("gazette_issues"):
        proactive += (
            f"，发行政府公报{n('gazette_issues')}期共{n('gazette_copies')}册，"
            f"通过政府公报公开重要政策文件和规范性文件{n('gazette_documents')}件"
        )
    proactive += "。"

    received = int(f.t2("R1", "total").value)
    carried_in = int(f.t2("R2", "total").value)
    closed = int(f.t2("R3.7", "total").value)
    carried_out = int(f.t2("R4", "total").value)
    on_application = f"{year}年新收政府信息公开申请{received}件"
    if carried_in:
        on_application += f"，上年结转{carried_in}件"
    if f.topics:
        on_application += "，申请内容主要集中在" + "、".join(t for t, _c in f.topics[:4]) + "等方面"
    on_application += f"。依法办结{closed}件，结转下年度办理{carried_out}件。"
    reconsiderations = int(f.t3("C5").value)
    direct = int(f.t3("C10").value)
    after = int(f.t3("C15").value)
    if reconsiderations or direct or after:
        parts = []
        if reconsiderations:
            parts.append(f"行政复议{reconsiderations}件")
        if direct:
            parts.append(f"直接提起行政诉讼{direct}件")
        if after:
            parts.append(f"复议后提起行政诉讼{after}件")
        on_application += f"{year}年发生因政府信息公开引起的" + "和".join(parts) + "。"
    else:
        on_application += f"{year}年未发生因政府信息公开引起的行政复议和行政诉讼。"

    management = "加强常态化监测和信息发布审核，严格执行“三审三校”制度，防止泄露个人信息和出现错敏信息。"

    # A zero is never written as an achievement ("总访问量达到0次", rule narrative.zero_achievement): a figure
    # that is zero is left out, and a sentence with nothing left is not written.
    visits = [
        (f"政府网站总访问量达到{wan(n('site_visits'))}次", n("site_visits")),
        (f"总浏览量{wan(n('site_page_views'))}次", n("site_page_views")),
        (f"日均访客量{n('daily_visitors')}人", n("daily_visitors")),
        (f"新访客数{wan(n('new_visitors'))}人", n("new_visitors")),
    ]
    shown = [phrase for phrase, value in visits if value]
    platform = f"{year}年" + "，".join(shown) + "。" if shown else ""
    media = [
        (f"微信公众号订阅数约{wan(n('wechat_subscribers'))}个", n("wechat_subscribers")),
        (f"政务微博关注量约{wan(n('weibo_followers'))}个", n("weibo_followers")),
    ]
    shown_media = [phrase for phrase, value in media if value]
    if shown_media:
        platform += "依托政务新媒体矩阵及时发布民生信息，" + "、".join(shown_media) + "。"
    if not platform:
        platform = "依托政府网站和政务新媒体及时发布政府信息，做好平台日常运维和安全保障。"

    training = f"组织开展政务公开业务培训{n('training_sessions')}期，" if n("training_sessions") else ""
    supervision = f"{training}加强对下级政府网站及政务新媒体的检查，发现问题及时核查、反馈、整改。"
    return {
        "proactive": proactive,
        "on_application": on_application,
        "management": management,
        "platform": platform,
        "supervision": supervision,
    }


def _items(value: int) -> str:
    """Items published: "12500余" for 12,5xx, exact when small."""
    if value < 1000:
        return str(value)
    step = 100 if value < 100_000 else 10_000
    rounded = value - value % step
    return f"{rounded}余" if value % step else str(value)


def draft_section6(figures: ReportFigures, *, year: int) -> str:
    """六 states the processing fees charged (国办函〔2020〕109号)."""
    fees = Decimal(figures.fees_charged.value)
    if not fees:
        return f"{year}年本单位在办理依申请公开件中未收取信息处理费。"
    return f"{year}年本单位依据《政府信息公开信息处理费管理办法》收取信息处理费{fees}元，已全额缴入国库。"
