"""The portal's disclosure guide (政府信息公开指南): the agency's own, or a complete default from its details."""

from gongkai.catalogue.models import DisclosureGuide
from gongkai.catalogue.selectors.browse import category_tree


def disclosure_guide_text(agency) -> tuple[str, bool]:
    """The agency's guide, or a complete default generated from its data; (text, is_custom)."""
    guide = DisclosureGuide.objects.filter(agency=agency).first()
    if guide is not None:
        return guide.body, True
    return default_guide_text(agency), False


def default_guide_text(agency) -> str:
    """A complete 政府信息公开指南 in the structure common after 2019 (spec §4.1), from the agency's details."""
    categories = "、".join(c.name for c, _children in category_tree(agency)) or "机构职能、政策文件、规划计划等"
    office = agency.office_name
    contact = [
        f"办公地址：{agency.office_address}",
        f"邮政编码：{agency.office_postcode}",
        f"联系电话：{agency.office_phone}",
        f"办公时间：{agency.office_hours}",
    ]
    if agency.office_fax:
        contact.append(f"传真：{agency.office_fax}")
    if agency.office_email:
        contact.append(f"电子邮箱：{agency.office_email}")
    site = agency.site_name or f"{agency.name}门户网站"
    return "\n".join(
        [
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），编制本指南。"
            f"本指南由{agency.name}负责解释，并适时更新。",
            "",
            "一、主动公开",
            "（一）公开范围",
            f"根据《条例》第十九条、第二十条等规定，{agency.name}主动公开以下政府信息：{categories}。"
            "依照《条例》第十四条、第十五条、第十六条规定不予公开的政府信息除外。",
            "（二）公开方式",
            f"主动公开的政府信息通过{site}“政府信息公开”专栏公开，并可通过政府公报、政务新媒体、新闻发布会等途径公开。"
            "公众可在专栏中按主题分类、发布机构和年份浏览，或通过全文检索查找。",
            "（三）公开时限",
            "属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开（《条例》第二十六条）。"
            "法律、法规对公开期限另有规定的，从其规定。",
            "",
            "二、依申请公开",
            "（一）受理机构",
            f"{office}负责受理向{agency.name}提出的政府信息公开申请。",
            *contact,
            "（二）申请方式",
            "申请人可以通过网上申请、信函、当面提交等方式提出申请，并应当填写《政府信息公开申请表》。"
            "申请内容应当包括申请人的姓名或者名称、身份证明、联系方式，申请公开的政府信息的名称、文号或者便于检索的其他特征性描述，"
            "以及申请公开的政府信息的形式要求（《条例》第二十九条）。",
            "（三）办理时限",
            "能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
            "经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日（《条例》第三十三条）。"
            "征求第三方和其他机关意见所需时间不计算在前述期限内。",
            "（四）收费",
            "行政机关依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
            "可以按照《政府信息公开信息处理费管理办法》收取信息处理费（《条例》第四十二条）。",
            "",
            "三、监督和救济",
            "公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，"
            "也可以依法申请行政复议或者提起行政诉讼（《条例》第五十一条）。",
        ]
    )
