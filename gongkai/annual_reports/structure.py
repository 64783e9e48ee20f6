"""The national format of the annual report (国办公开办函〔2021〕30号): sections, tables, rows and columns.

Labels are exactly those of the 2021 format (spec §2.2–2.4), in order. Codes are the project's names for the
cells, used by every app's report selectors and in the JSON export.
"""

from dataclasses import dataclass

SECTION_TITLES = {
    "1": "一、总体情况",
    "2": "二、主动公开政府信息情况",
    "3": "三、收到和处理政府信息公开申请情况",
    "4": "四、政府信息公开行政复议、行政诉讼情况",
    "5": "五、存在的主要问题及改进情况",
    "6": "六、其他需要报告的事项",
}

# The five parts of section 一 (the format's （一）总体情况 text; spec §2.1).
SECTION1_PARTS = [
    ("proactive", "（一）主动公开"),
    ("on_application", "（二）依申请公开"),
    ("management", "（三）政府信息管理"),
    ("platform", "（四）政府信息公开平台建设"),
    ("supervision", "（五）监督保障"),
]

# ------------------------------------------------------------------ table 1 (section 二): four blocks
ARTICLE20_BLOCKS = [
    {
        "title": "第二十条第（一）项",
        "columns": ["本年制发件数", "本年废止件数", "现行有效件数"],
        "rows": [
            ("规章", ["rules.issued", "rules.repealed", "rules.in_force"]),
            ("行政规范性文件", ["normative.issued", "normative.repealed", "normative.in_force"]),
        ],
    },
    {"title": "第二十条第（五）项", "columns": ["本年处理决定数量"], "rows": [("行政许可", ["licensing"])]},
    {
        "title": "第二十条第（六）项",
        "columns": ["本年处理决定数量"],
        "rows": [("行政处罚", ["penalty"]), ("行政强制", ["coercive"])],
    },
    {
        "title": "第二十条第（八）项",
        "columns": ["本年收费金额（单位：万元）"],
        "rows": [("行政事业性收费", ["fees_10k_yuan"])],
    },
]
SECTION2_CODES = [code for block in ARTICLE20_BLOCKS for _label, codes in block["rows"] for code in codes]

# ------------------------------------------------------------------ table 2 (section 三): 25 rows × 7 columns
TABLE2_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE2_COLUMNS = [
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
]
TABLE2_COLUMN_CODES = [code for code, _label in TABLE2_COLUMNS]
ORGANISATION_COLUMNS = ["business", "research", "public_interest", "legal_service", "other"]


@dataclass(frozen=True)
class Table2Row:
    code: str
    label: str
    group: str = ""  # the merged label cell it sits under: （三）不予公开 etc.


TABLE2_ROWS = [
    Table2Row("R1", "一、本年新收政府信息公开申请数量"),
    Table2Row("R2", "二、上年结转政府信息公开申请数量"),
    Table2Row("R3.1", "（一）予以公开"),
    Table2Row("R3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Table2Row("R3.3.1", "1.属于国家秘密", "（三）不予公开"),
    Table2Row("R3.3.2", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    Table2Row("R3.3.3", "3.危及“三安全一稳定”", "（三）不予公开"),
    Table2Row("R3.3.4", "4.保护第三方合法权益", "（三）不予公开"),
    Table2Row("R3.3.5", "5.属于三类内部事务信息", "（三）不予公开"),
    Table2Row("R3.3.6", "6.属于四类过程性信息", "（三）不予公开"),
    Table2Row("R3.3.7", "7.属于行政执法案卷", "（三）不予公开"),
    Table2Row("R3.3.8", "8.属于行政查询事项", "（三）不予公开"),
    Table2Row("R3.4.1", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    Table2Row("R3.4.2", "2.没有现成信息需要另行制作", "（四）无法提供"),
    Table2Row("R3.4.3", "3.补正后申请内容仍不明确", "（四）无法提供"),
    Table2Row("R3.5.1", "1.信访举报投诉类申请", "（五）不予处理"),
    Table2Row("R3.5.2", "2.重复申请", "（五）不予处理"),
    Table2Row("R3.5.3", "3.要求提供公开出版物", "（五）不予处理"),
    Table2Row("R3.5.4", "4.无正当理由大量反复申请", "（五）不予处理"),
    Table2Row("R3.5.5", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
    Table2Row("R3.6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    Table2Row("R3.6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    Table2Row("R3.6.3", "3.其他", "（六）其他处理"),
    Table2Row("R3.7", "（七）总计"),
    Table2Row("R4", "四、结转下年度继续办理"),
]
TABLE2_ROW_CODES = [row.code for row in TABLE2_ROWS]
TABLE2_RESULT_LABEL = "三、本年度办理结果"
# The rows that (七)总计 adds up (spec §2.5 (a)).
TABLE2_OUTCOME_CODES = [code for code in TABLE2_ROW_CODES if code.startswith("R3.") and code != "R3.7"]

# ------------------------------------------------------------------ table 3 (section 四): 15 columns
TABLE3_RESULT_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
TABLE3_GROUPS = [
    ("reconsideration", "行政复议", ""),
    ("litigation_direct", "行政诉讼", "未经复议直接起诉"),
    ("litigation_after", "行政诉讼", "复议后起诉"),
]
TABLE3_CODES = [f"C{i}" for i in range(1, 16)]
# C5 = C1+…+C4, C10 = C6+…+C9, C15 = C11+…+C14 (spec §2.5 (c)).
TABLE3_TOTALS = {"C5": ["C1", "C2", "C3", "C4"], "C10": ["C6", "C7", "C8", "C9"], "C15": ["C11", "C12", "C13", "C14"]}

# ------------------------------------------------------------------ numbers of section 一 and 六
SECTION1_FIGURES = [
    ("items_published", "主动公开信息（条）"),
    ("concern_responses", "回应公众关切（次）"),
    ("online_consultations", "网上征集（期）"),
    ("online_surveys", "网上调查（期）"),
    ("policy_interpretations", "政策解读（期）"),
    ("gazette_issues", "政府公报（期）"),
    ("gazette_copies", "政府公报印数（册）"),
    ("gazette_documents", "公报刊登文件（件）"),
    ("site_visits", "网站总访问量（次）"),
    ("site_page_views", "网站总浏览量（次）"),
    ("daily_visitors", "日均访客量（人）"),
    ("new_visitors", "新访客数（人）"),
    ("wechat_subscribers", "微信公众号订阅数（个）"),
    ("weibo_followers", "政务微博关注量（个）"),
    ("training_sessions", "业务培训（期）"),
]
SECTION1_CODES = [code for code, _label in SECTION1_FIGURES]
TABLE3_LABELS = {
    f"C{group_index * 5 + i + 1}": " ".join(part for part in (top, sub, result) if part)
    for group_index, (_key, top, sub) in enumerate(TABLE3_GROUPS)
    for i, result in enumerate(TABLE3_RESULT_LABELS)
}
