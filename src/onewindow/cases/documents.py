"""Case documents as PDF: the acceptance receipt (受理通知书) and the decision notice (决定书).

Chinese text uses the Adobe standard CID font STSong-Light (UniGB-UCS2-H). PDF readers render it
with their own CJK fonts, so nothing has to be embedded or installed. Each document carries a QR
code of the public tracking address.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from onewindow.core import seals
from onewindow.core.ids import mask

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

LATIN_FONT = "DejaVuSans"
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def latin_font() -> str:
    """The registered name of a font with the Vietnamese letters (ư, ơ, ạ, ễ…): DejaVu Sans from
    Debian's fonts-dejavu-core, registered on first use."""
    if LATIN_FONT not in pdfmetrics.getRegisteredFontNames():
        found = next((path for path in _FONT_FILES if path.exists()), None)
        if found is None:
            raise RuntimeError("DejaVu Sans is missing: install Debian's fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(LATIN_FONT, str(found)))
    return LATIN_FONT


def font_for(text: str, latin: str) -> str:
    """The Chinese font for text with Chinese in it (a name, an item), else `latin`."""
    return FONT if any("\u4e00" <= c <= "\u9fff" for c in text) else latin


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code as filled squares: no image library needed."""
    matrix = segno.make(text, error="m").matrix
    cell = size / len(matrix)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                canvas.rect(x + column * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


def document_pdf(
    title: str,
    lines: list[tuple[str, str]],
    tracking_url: str,
    footer: str,
    compress: bool,
    rating_url: str = "",
) -> bytes:
    """A one-page official document: title, labelled lines, the tracking QR code, a footer."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(title)
    width, height = A4
    canvas.setFont(FONT, 22)
    canvas.drawCentredString(width / 2, height - 30 * mm, title)
    y = height - 50 * mm
    for label, value in lines:
        canvas.setFont(FONT, 12)
        canvas.drawString(25 * mm, y, f"{label}：")
        for part in _wrap(value, 32):
            canvas.drawString(60 * mm, y, part)
            y -= 7 * mm
        y -= 2 * mm
    draw_qr(canvas, tracking_url, width - 55 * mm, 25 * mm, 30 * mm)
    canvas.setFont(FONT, 9)
    canvas.drawString(width - 55 * mm, 20 * mm, "扫码查询办理进度")
    canvas.drawString(25 * mm, 25 * mm, footer)
    if rating_url:
        # 好差评: the QR code opens the rating page without logging in; the address is printed too.
        draw_qr(canvas, rating_url, width - 95 * mm, 25 * mm, 30 * mm)
        canvas.drawString(width - 95 * mm, 20 * mm, "扫码评价本次服务")
        canvas.setFont("Helvetica", 5)
        canvas.drawString(25 * mm, 12 * mm, rating_url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    text = str(text or "—")
    return [text[i : i + width] for i in range(0, len(text), width)] or ["—"]


def _due(case) -> str:
    if case.due_date is None:
        return "—"
    return f"{case.due_date.isoformat()}（暂定）" if case.due_date_provisional else case.due_date.isoformat()


def receipt_pdf(case, tracking_url: str, *, compress: bool = True, rating_url: str = "") -> bytes:
    materials = "、".join(m.name for m in case.materials.all() if m.status != "missing") or "—"
    lines = [
        ("办件编号", case.number),
        ("申请人", f"{case.applicant_name}（{mask(case.applicant_id_number)}）"),
        ("办理事项", f"{case.item.name}（{case.item.code} 第{case.item.version}版）"),
        ("实施部门", case.department.name),
        ("受理日期", case.accepted_on.isoformat() if case.accepted_on else "—"),
        ("承诺办结日期", _due(case)),
        ("已收材料", materials),
    ]
    footer = "您的申请已受理。办理时限按工作日计算，补正材料期间暂停计时。"
    if case.due_date_provisional:
        footer += "次年节假日安排尚未公布，办结日期按法定节假日暂定；公布后如有变动，将另行告知。"
    pdf = document_pdf("受理通知书", lines, tracking_url, footer, compress, rating_url)
    return seals.seal(pdf, case.department.code, case.department.name, "受理通知")


def decision_pdf(case, tracking_url: str, *, compress: bool = True) -> bytes:
    approved = case.events.filter(action="approve").exists()  # still known once delivered
    reason = case.events.filter(action="deny").values_list("note", flat=True).first() or ""
    lines = [
        ("办件编号", case.number),
        ("申请人", f"{case.applicant_name}（{mask(case.applicant_id_number)}）"),
        ("办理事项", case.item.name),
        ("决定", "准予" if approved else "不予许可"),
        *([] if approved else [("理由", reason)]),
        ("决定日期", case.decided_on.isoformat() if case.decided_on else "—"),
        ("实施部门", case.department.name),
    ]
    footer = "如不服本决定，可依法申请行政复议或提起行政诉讼。"
    pdf = document_pdf("准予决定书" if approved else "不予许可决定书", lines, tracking_url, footer, compress)
    return seals.seal(pdf, case.department.code, case.department.name, "行政许可决定")
