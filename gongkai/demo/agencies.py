"""The 黔东南州 agency tree of the demo: the seed report's prefecture, its departments and its 16 counties."""

from gongkai.core.identifiers import credit_code_check_char

PREFECTURE_REGION = "522600"

# The seed report's footer and preamble: what a real prefecture portal carries.
PREFECTURE = {
    "slug": "qdn",
    "name": "黔东南州人民政府",
    "short_name": "州人民政府",
    "kind": "government",
    "region_code": PREFECTURE_REGION,
    "office_name": "黔东南州人民政府办公室",
    "office_address": "贵州省凯里市北京东路21号州政府大楼七楼706室",
    "office_postcode": "556000",
    "office_phone": "0855-8227803",
    "office_email": "qdnzfb@qdn.gov.cn",
    "site_name": "黔东南州人民政府门户网站",
    "site_sponsor": "黔东南州人民政府办公室",
    # The real portal's footer gives the site sponsor's switchboard (0855-8235320) while its report gives the
    # disclosure office's line; a visitor who sees two numbers does not know which to ring, so the demo uses one.
    "site_phone": "0855-8227803",
    "icp_number": "黔ICP备16003716号",
    "site_code": "5226000038",
    "police_record": "贵公网安备52260102556045",
}

GENERAL_OFFICE = {
    "slug": "qdn-office",
    "name": "黔东南州人民政府办公室",
    "short_name": "州政府办公室",
    "kind": "general_office",
}

DEPARTMENTS = [
    ("qdn-fgw", "黔东南州发展和改革委员会", "州发展改革委"),
    ("qdn-edu", "黔东南州教育局", "州教育局"),
    ("qdn-mz", "黔东南州民政局", "州民政局"),
    ("qdn-sfj", "黔东南州司法局", "州司法局"),
    ("qdn-czj", "黔东南州财政局", "州财政局"),
    ("qdn-rsj", "黔东南州人力资源和社会保障局", "州人力资源社会保障局"),
    ("qdn-zrzy", "黔东南州自然资源局", "州自然资源局"),
    ("qdn-sthj", "黔东南州生态环境局", "州生态环境局"),
    ("qdn-zjj", "黔东南州住房和城乡建设局", "州住房城乡建设局"),
    ("qdn-jtj", "黔东南州交通运输局", "州交通运输局"),
    ("qdn-nyncj", "黔东南州农业农村局", "州农业农村局"),
    ("qdn-wjw", "黔东南州卫生健康局", "州卫生健康局"),
]

COUNTIES = [
    ("kaili", "凯里市", "522601", "市"),
    ("huangping", "黄平县", "522622", "县"),
    ("shibing", "施秉县", "522623", "县"),
    ("sansui", "三穗县", "522624", "县"),
    ("zhenyuan", "镇远县", "522625", "县"),
    ("cengong", "岑巩县", "522626", "县"),
    ("tianzhu", "天柱县", "522627", "县"),
    ("jinping", "锦屏县", "522628", "县"),
    ("jianhe", "剑河县", "522629", "县"),
    ("taijiang", "台江县", "522630", "县"),
    ("liping", "黎平县", "522631", "县"),
    ("rongjiang", "榕江县", "522632", "县"),
    ("congjiang", "从江县", "522633", "县"),
    ("leishan", "雷山县", "522634", "县"),
    ("majiang", "麻江县", "522635", "县"),
    ("danzhai", "丹寨县", "522636", "县"),
]

COUNTY_DEPARTMENTS = [("edu", "教育局"), ("zrzy", "自然资源局")]

KAILI_TOWNSHIPS = [
    ("kaili-dsz", "凯里市大十字街道办事处", "大十字街道"),
    ("kaili-ssk", "凯里市三棵树镇人民政府", "三棵树镇"),
]


def organisation_code(serial: int) -> str:
    """A 9-character organisation code with its GB 11714 check digit (the 9th to 17th of a credit code)."""
    body = f"{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(region: str, serial: int) -> str:
    """A well-formed credit code of an organ (登记管理部门 1, 机构类别 1) in the given region."""
    first17 = "11" + region + organisation_code(1_000_000 + serial)
    return first17 + credit_code_check_char(first17)
