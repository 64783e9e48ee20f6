"""The receipt (回执) of an online application: the facts the applicant keeps, as a page and as a PDF.

What it states: the case number and tracking code, the agency, the receipt date (条例 第三十一条: online, the
day the platform confirms by issuing the number, i.e. the submission date), the statutory reply deadline and
how it was computed (条例 第三十三条: 20 working days), what happens next (条例 第三十条 correction within 7
working days, 第三十三条 extension, 第四十二条 fees), and the office's contact. A QR code (zxing-cpp, error
correction level M, the mask chosen by the standard's penalty rules, a quiet zone of four modules) carries the
tracking link. A deadline falling in a year whose holidays the State Council has not yet published (or the
platform has not verified) says so.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import zxingcpp
from django.utils.translation import gettext as _
from PIL import Image

from gongkai.applications.clock import CORRECTION_NOTICE_DAYS, Deadline
from gongkai.applications.models import Application
from gongkai.applications.services import application_deadline
from gongkai.core.pdf import SANS, SERIF, new_pdf


@dataclass(frozen=True)
class Receipt:
    application: Application
    tracking_url: str
    deadline: Deadline

    @property
    def agency(self):
        return self.application.agency

    @property
    def unverified_note(self) -> str:
        """The warning a deadline in an unverified holiday year carries, or ''."""
        if self.deadline.date is None or self.deadline.verified:
            return ""
        return _(
            "注意：该期限所在年度的法定节假日安排尚未经核实（国务院办公厅尚未发布或本平台尚未核对），"
            "期限按现行规则推算，节假日公布后可能调整，以受理机关的书面告知为准。"
        )

    @property
    def received_basis(self) -> str:
        """条例 第三十一条, in the words for how this application arrived."""
        if self.application.channel == "online":
            return _("条例第三十一条：网上提交，以平台确认之日为收到申请之日")
        return _("条例第三十一条")

    @property
    def next_steps(self) -> list[str]:
        return [
            _("本机关将审查您的申请。申请内容不明确的，将在收到申请之日起%(n)s个工作日内一次性告知您补正，"
              "答复期限自收到补正后的申请之日起重新计算（条例第三十条）。") % {"n": CORRECTION_NOTICE_DAYS},
            _("本机关在答复期限内作出答复；需要延长的，经政府信息公开工作机构负责人同意并告知您，"
              "延长期限最长不超过20个工作日（条例第三十三条）。征求第三方意见的时间不计入期限。"),
            _("申请数量、频次明显超过合理范围的，可能依法收取信息处理费，本机关将先发出收费通知（条例第四十二条）。"),
            _("您可以随时凭查询码或扫描二维码查看办理进度、补正通知和答复书。"),
        ]  # fmt: skip

    @property
    def contact(self) -> list[tuple[str, str]]:
        agency = self.agency
        rows = [
            (_("政府信息公开工作机构"), agency.office_name),
            (_("办公地址"), f"{agency.office_address}（{agency.office_postcode}）"),
            (_("联系电话"), agency.office_phone),
            (_("办公时间"), agency.office_hours),
        ]
        if agency.office_email:
            rows.append((_("电子邮箱"), agency.office_email))
        return rows

    def qr_svg_data_uri(self) -> str:
        """The QR code as an SVG data URI for the receipt page (the page sizes it)."""
        svg = qr_code(self.tracking_url).to_svg(scale=1).encode()
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    def qr_png(self) -> bytes:
        """The QR code as a PNG, 8 pixels a module, for the PDF."""
        pixels = memoryview(qr_code(self.tracking_url).to_image(scale=8))
        height, width = pixels.shape
        out = io.BytesIO()
        Image.frombytes("L", (width, height), pixels.tobytes()).save(out, format="PNG")
        return out.getvalue()


def qr_code(text: str) -> zxingcpp.Barcode:
    """A QR code of `text` at error correction level M. zxing-cpp encodes it in C (libzint), mask chosen by the
    standard's penalty rules: 0.5 ms where segno, in Python, took 4 ms of the receipt page's 10."""
    return zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")


def receipt_for(application: Application, tracking_url: str) -> Receipt:
    return Receipt(application=application, tracking_url=tracking_url, deadline=application_deadline(application))


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an A4 PDF (fpdf2, embedded Noto fonts), the QR code of the tracking link at the top right."""
    application = receipt.application
    title = _("政府信息公开申请回执")
    pdf = new_pdf(title=title, author=receipt.agency.name)
    # One page: narrower margins than an official letter (GB/T 9704 is for 公文, a receipt is a form).
    pdf.set_margins(left=22, top=20, right=22)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(SANS, size=20)
    pdf.multi_cell(w=0, h=12, text=title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    qr_size = 34
    qr_x = pdf.w - pdf.r_margin - qr_size
    top = pdf.get_y()
    pdf.image(io.BytesIO(receipt.qr_png()), x=qr_x, y=top, w=qr_size, h=qr_size)
    pdf.set_font(SERIF, size=8)
    pdf.set_xy(qr_x - 6, top + qr_size)
    pdf.multi_cell(w=qr_size + 12, h=4, text=_("扫码查看办理进度"), align="C")
    pdf.set_xy(pdf.l_margin, top)
    label_w, value_w = 32, qr_x - pdf.l_margin - 32 - 4
    due = receipt.deadline.date
    facts = [
        (_("申请编号"), application.number),
        (_("查询码"), application.tracking_code),
        (_("受理机关"), receipt.agency.name),
        (_("所需信息"), application.title),
        (_("收到申请日期"), _day(application.received_on) + "（" + receipt.received_basis + "）"),
        (_("答复期限"), (_day(due) if due else _("计时中止")) + ("（" + _("未经核实") + "）" if receipt.unverified_note else "")),
    ]  # fmt: skip
    for label, value in facts:
        y = pdf.get_y()
        pdf.set_font(SANS, size=11)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(w=label_w, h=7, text=label)
        pdf.set_font(SERIF, size=11)
        pdf.set_xy(pdf.l_margin + label_w, y)
        pdf.multi_cell(w=value_w, h=7, text=value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + qr_size + 8))

    def section(heading: str, lines: list[str]) -> None:
        pdf.ln(3)
        pdf.set_font(SANS, size=12)
        pdf.multi_cell(w=0, h=8, text=heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(SERIF, size=10.5)
        for line in lines:
            pdf.multi_cell(w=0, h=6, text=line, new_x="LMARGIN", new_y="NEXT")

    section(_("答复期限如何计算"), list(receipt.deadline.lines))
    if receipt.unverified_note:
        pdf.ln(1)
        pdf.set_font(SANS, size=10.5)
        pdf.multi_cell(w=0, h=6, text=receipt.unverified_note, new_x="LMARGIN", new_y="NEXT")
    # Full-width numbering with no space: fpdf2 wraps at spaces, which would leave "1." alone on a line.
    section(_("接下来会怎样"), [f"{i}．{line}" for i, line in enumerate(receipt.next_steps, 1)])
    section(
        _("联系方式"),
        [f"{label}：{value}" for label, value in receipt.contact] + [_("查询地址：") + receipt.tracking_url],
    )
    return bytes(pdf.output())
