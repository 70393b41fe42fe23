"""The receipt of a paid fee as PDF: biên lai điện tử thu phí, lệ phí for a Vietnamese unit, 缴费凭证
for a Chinese one, in the unit's language.

Vietnamese uses DejaVu Sans (`cases.documents.latin_font`), Chinese the CID font of the case
documents."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from onewindow.cases.documents import FONT as CHINESE_FONT
from onewindow.cases.documents import draw_qr, font_for, latin_font
from onewindow.core.ids import mask

from . import fees


@dataclass(frozen=True)
class Wording:
    title: str
    labels: tuple[str, ...]
    note: str
    font: str


def _wording(currency: str) -> Wording:
    if currency == "VND":
        return Wording(
            "BIÊN LAI THU PHÍ, LỆ PHÍ",
            (
                "Đơn vị thu",
                "Số biên lai",
                "Người nộp",
                "Số giấy tờ",
                "Hồ sơ",
                "Thủ tục",
                "Số bản",
                "Số tiền",
                "Hình thức",
                "Mã giao dịch",
                "Thời gian",
            ),  # fmt: skip
            "Biên lai điện tử; quét mã để tra cứu hồ sơ.",
            latin_font(),
        )
    return Wording(
        "缴费凭证",
        (
            "收款单位",
            "凭证号",
            "缴款人",
            "证件号码",
            "办件编号",
            "事项",
            "份数",
            "金额",
            "缴费方式",
            "交易流水号",
            "缴费时间",
        ),  # fmt: skip
        "电子缴费凭证；扫码查询办件。",
        CHINESE_FONT,
    )


def receipt_pdf(payment, tracking_url: str) -> bytes:
    case = payment.case
    wording = _wording(payment.currency)
    values = (
        case.department.name,
        payment.receipt_number,
        case.applicant_name,
        mask(case.applicant_id_number),
        case.number,
        case.item.name,
        str(payment.copies),
        fees.display(payment.amount, payment.currency),
        payment.get_channel_display(),
        payment.transaction or "—",
        payment.paid_at.strftime("%Y-%m-%d %H:%M") if payment.paid_at else "—",
    )
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5)
    canvas.setTitle(f"{wording.title} {payment.receipt_number}")
    width, height = A5
    canvas.setFont(wording.font, 15)
    canvas.drawCentredString(width / 2, height - 20 * mm, wording.title)
    y = height - 35 * mm
    for label, value in zip(wording.labels, values, strict=True):
        font = font_for(value, wording.font)
        canvas.setFont(wording.font, 9)
        canvas.drawString(12 * mm, y, f"{label}:")
        canvas.setFont(font, 9)
        canvas.drawString(45 * mm, y, value[:60])
        y -= 7 * mm
    if payment.refunded_amount:
        canvas.setFont(wording.font, 9)
        refunded = fees.display(payment.refunded_amount, payment.currency)
        canvas.drawString(
            12 * mm, y, ("Đã hoàn trả: " if payment.currency == "VND" else "已退款：") + refunded
        )
    draw_qr(canvas, tracking_url, width - 42 * mm, 12 * mm, 30 * mm)
    canvas.setFont(wording.font, 7)
    canvas.drawString(12 * mm, 14 * mm, wording.note)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
