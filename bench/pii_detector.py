"""Precision and recall of the personal-data detector on a labelled test set.

    .venv/bin/python bench/pii_detector.py           # measure on gongkai/catalogue/tests/data/pii_labelled.tsv
    .venv/bin/python bench/pii_detector.py --write   # regenerate the set (deterministic)

The set is labelled by construction, independently of the detector: each line is a sentence of the kind found
on government sites (公示名单, 补贴发放, 联系方式, 文件正文) with the personal numbers it really contains — resident ID
numbers with a valid check character and birth date, mobile numbers in the ways people write them, bank card
numbers (Luhn-valid, as issued) — or with none, next to the numbers that look like them (masked numbers,
document and project numbers, dates, amounts, landlines, credit codes, serial numbers, mistyped IDs).
A few forms the detector does not handle are included on purpose (numbers split by full-width dashes or
spaces inside an ID), so the measurement shows the misses, not a perfect score.
"""

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.catalogue.checks import find_personal_data, luhn_valid  # noqa: E402
from gongkai.core.identifiers import resident_id_check_char  # noqa: E402

SET = Path(__file__).resolve().parent.parent / "gongkai/catalogue/tests/data/pii_labelled.tsv"
KINDS = ("resident_id", "mobile", "bank_card")
NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "明华建国平丽娟军伟芳敏静强磊洋艳勇杰涛超秀英霞刚桂兰玉梅"
REGIONS = ["522601", "522622", "522623", "522624", "522625", "522626", "522627", "522628", "522629", "522630",
           "522631", "522632", "522633", "522634", "522635", "522636", "520102", "520103", "522101"]  # fmt: skip


def person(rng):
    return rng.choice(NAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def resident_id(rng):
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 70 * 365))
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + resident_id_check_char(first17)


def mobile(rng):
    return (
        rng.choice(["13", "15", "17", "18", "19", "14", "16"])
        + str(rng.randint(0, 9))
        + f"{rng.randint(0, 99999999):08d}"
    )


def card(rng):
    length = rng.choice([16, 19, 19])
    body = rng.choice(["622202", "621700", "622848", "623052", "621799", "622908", "621661"])
    body += "".join(str(rng.randint(0, 9)) for _ in range(length - len(body) - 1))
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError


def positives(rng):
    out = []
    for _ in range(150):
        number = resident_id(rng)
        if rng.random() < 0.1:
            number = number[:-1] + number[-1].lower() if number.endswith("X") else number
        template = rng.choice([
            "申请人{n}，身份证号码：{id}，住址：凯里市大十字街道。",
            "{n}（{id}）符合城乡低保条件，拟予以公示。",
            "序号12 {n} 男 {id} 榕江县古州镇 二类",
            "经审核，{n}同志身份证号{id}的养老保险待遇已核定。",
            "当事人：{n}，公民身份号码{id}，现住黎平县德凤街道。",
        ])  # fmt: skip
        out.append((template.format(n=person(rng), id=number), ["resident_id"]))
    for _ in range(150):
        number = mobile(rng)
        form = rng.random()
        if form < 0.55:
            written = number
        elif form < 0.7:
            written = f"{number[:3]}-{number[3:7]}-{number[7:]}"
        elif form < 0.82:
            written = f"{number[:3]} {number[3:7]} {number[7:]}"
        elif form < 0.9:
            written = f"+86 {number}"
        elif form < 0.95:
            written = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        else:
            written = f"{number[:3]}—{number[3:7]}—{number[7:]}"  # full-width dashes: not detected
        template = rng.choice([
            "联系人：{n}，联系电话：{m}。", "如有异议，请与{n}联系（手机{m}）。", "{n} {m} 镇远县舞阳镇",
            "举报电话：0855-8227803，{n}手机：{m}。", "项目负责人{n}，电话{m}，邮箱 qdn@example.gov.cn",
        ])  # fmt: skip
        out.append((template.format(n=person(rng), m=written), ["mobile"]))
    for _ in range(100):
        number = card(rng)
        if rng.random() < 0.4:
            number = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        template = rng.choice([
            "补贴发放至{n}的银行账号{c}。", "{n} 开户行：农村信用社 账号：{c} 金额：1200元",
            "收款人：{n}，卡号{c}。", "序号3 {n} {c} 500.00",
        ])  # fmt: skip
        out.append((template.format(n=person(rng), c=number), ["bank_card"]))
    for _ in range(40):
        template = "{n}，身份证号{id}，联系电话{m}，申请创业担保贷款。"
        out.append((template.format(n=person(rng), id=resident_id(rng), m=mobile(rng)), ["resident_id", "mobile"]))
    for _ in range(10):  # an ID written with spaces: not detected
        number = resident_id(rng)
        out.append((f"身份证号：{number[:6]} {number[6:14]} {number[14:]}", ["resident_id"]))
    return out


def negatives(rng):
    out = []
    for _ in range(60):
        number = resident_id(rng)
        wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
        masked = number[:3] + "*" * 11 + number[-4:]
        out.append((rng.choice([f"身份证号{masked}（已遮盖）", f"证件号码{wrong}核验未通过，请重新提交。"]), []))
    for _ in range(50):
        m = mobile(rng)
        out.append((rng.choice([f"联系电话{m[:3]}****{m[-4:]}。", f"咨询电话：0855-{rng.randint(2000000, 8999999)}。",
                                f"传真：0855-{rng.randint(2000000, 8999999)}，邮编556000。"]), []))  # fmt: skip
    for _ in range(50):
        year = rng.randint(2015, 2025)
        out.append((rng.choice([
            f"黔东南府发〔{year}〕{rng.randint(1, 99)}号", f"项目代码：{year}-522600-{rng.randint(10, 99)}-01-{rng.randint(100000, 999999)}",
            f"统一社会信用代码：11522600MB{rng.randint(1000000, 9999999)}X", f"成交金额{rng.randint(10000, 99999999)}.00元",
            f"发布时间：{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:30:00",
            f"ISBN 978-7-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}",
        ]), []))  # fmt: skip
    for _ in range(60):
        digits = str(rng.randint(3, 6)) + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([15, 17, 18])))
        if luhn_valid(digits):
            digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
        out.append((f"合同编号{digits}，请妥善保管。", []))
    for _ in range(30):
        # Serial numbers that happen to pass the Luhn check look exactly like card numbers: false positives.
        digits = str(rng.randint(3, 6)) + "".join(str(rng.randint(0, 9)) for _ in range(14))
        digits += next(c for c in "0123456789" if luhn_valid(digits + c))
        out.append((f"采购订单流水号{digits}。", []))
    for _ in range(50):
        out.append((rng.choice([
            "各县（市）人民政府，州直各有关部门：现将有关事项通知如下。",
            f"全州共发放补贴{rng.randint(1000, 99999)}人次，金额{rng.randint(100, 9999)}万元。",
            f"截至{rng.randint(2019, 2024)}年底，全州常住人口{rng.randint(3000000, 3900000)}人。",
            f"统计用区划代码522601{rng.randint(100000, 999999)}",
        ]), []))  # fmt: skip
    return out


def write() -> None:
    rng = random.Random(20241)  # noqa: S311 - a reproducible test set
    rows = positives(rng) + negatives(rng)
    rng.shuffle(rows)
    SET.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# labels (comma-separated, - for none)\ttext"]
    lines += [f"{','.join(labels) or '-'}\t{text}" for text, labels in rows]
    SET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} labelled lines to {SET}")


def measure() -> dict[str, tuple[float, float, int, int, int]]:
    """Per kind: (precision, recall, true positives, false positives, false negatives), counted per line."""
    counts = {k: Counter() for k in KINDS}
    for line in SET.read_text(encoding="utf-8").splitlines()[1:]:
        labels, text = line.split("\t", 1)
        truth = Counter() if labels == "-" else Counter(labels.split(","))
        found = Counter(f.kind for f in find_personal_data(text, "正文", today=dt.date(2024, 12, 31)))
        for kind in KINDS:
            tp = min(truth[kind], found[kind])
            counts[kind]["tp"] += tp
            counts[kind]["fp"] += found[kind] - tp
            counts[kind]["fn"] += truth[kind] - tp
    result = {}
    for kind, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        result[kind] = (precision, recall, c["tp"], c["fp"], c["fn"])
    total = Counter()
    for c in counts.values():
        total.update(c)
    result["all"] = (total["tp"] / (total["tp"] + total["fp"]), total["tp"] / (total["tp"] + total["fn"]),
                     total["tp"], total["fp"], total["fn"])  # fmt: skip
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    if parser.parse_args().write:
        write()
    lines = sum(1 for _ in SET.open(encoding="utf-8")) - 1
    print(f"labelled lines: {lines}")
    for kind, (p, r, tp, fp, fn) in measure().items():
        print(f"{kind}: precision {p:.3f}, recall {r:.3f} (tp {tp}, fp {fp}, fn {fn})")
