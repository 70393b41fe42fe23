"""The one-stop section's forms for a Vietnamese unit, after the model forms of Thông tư 01/2018/TT-VPCP
(guiding Nghị định 61/2018/NĐ-CP on the one-stop mechanism):

    Mẫu số 01  Giấy tiếp nhận hồ sơ và hẹn trả kết quả    (the acceptance receipt)
    Mẫu số 02  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ    (a supplement request)
    Mẫu số 03  Phiếu từ chối tiếp nhận giải quyết hồ sơ    (a refusal)
    Mẫu số 04  Phiếu xin lỗi và hẹn lại ngày trả kết quả   (an apology with the new date)

Each carries the unit's name, the national motto, the place of the national emblem on the unit's
seal, the case's lines, the legal wording, a QR code of the public tracking address, and is sealed
(signed) in the unit's name like the Chinese documents. Vietnamese letters need DejaVu Sans
(`documents.latin_font`).
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from onewindow.core import seals
from onewindow.core.ids import mask

from .documents import draw_qr, font_for, latin_font

FORMS = {
    "receipt": ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    "supplement": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "refusal": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    "apology": ("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
}


def is_vietnamese(case) -> bool:
    return case.department.calendar == "VN"


def _date(day) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" if day else "—"


def _wrap(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for word in str(text or "—").split():
        candidate = f"{current} {word}".strip()
        if canvas.stringWidth(candidate, font, size) > width and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines or ["—"]


def form_pdf(case, kind: str, tracking_url: str, *, compress: bool = True) -> bytes:
    """One of the four forms for the case; `kind` is a key of FORMS."""
    number, title = FORMS[kind]
    unit = issuer(case, kind)
    font = latin_font()
    paragraphs = [p for p in _paragraphs(case, kind) if p]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(f"{title} – {case.number}")
    width, height = A4
    # Header: the unit on the left, the national motto on the right, the form's number above.
    canvas.setFont(font, 8)
    canvas.drawRightString(width - 20 * mm, height - 12 * mm, number)
    canvas.setFont(font, 10)
    for n, line in enumerate(_wrap(canvas, unit.name.upper(), font, 10, 80 * mm)[:3]):
        canvas.drawCentredString(60 * mm, height - 20 * mm - n * 5 * mm, line)
    canvas.drawCentredString(60 * mm, height - 36 * mm, "BỘ PHẬN MỘT CỬA")
    canvas.drawCentredString(width - 62 * mm, height - 20 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    canvas.drawCentredString(width - 62 * mm, height - 25 * mm, "Độc lập - Tự do - Hạnh phúc")
    canvas.line(width - 85 * mm, height - 27 * mm, width - 39 * mm, height - 27 * mm)
    canvas.setFont(font, 9)
    canvas.drawCentredString(
        width - 62 * mm, height - 34 * mm, f"{unit.region.name}, {_date(case_day(case, kind))}"
    )
    canvas.setFont(font, 8)
    canvas.drawString(20 * mm, height - 44 * mm, f"Số: {case.number}")
    canvas.setFont(font, 13)
    canvas.drawCentredString(width / 2, height - 58 * mm, title)
    y = height - 72 * mm
    for paragraph in paragraphs:
        text_font = font_for(paragraph, font)
        for line in _wrap(canvas, paragraph, text_font, 10.5, width - 40 * mm):
            canvas.setFont(text_font, 10.5)
            canvas.drawString(20 * mm, y, line)
            y -= 6 * mm
        y -= 2 * mm
    # The signer's block with the place of the seal, which bears the national emblem.
    canvas.setFont(font, 10)
    signer = "THỦ TRƯỞNG CƠ QUAN" if kind == "apology" else "NGƯỜI TIẾP NHẬN HỒ SƠ"
    canvas.drawCentredString(width - 55 * mm, 78 * mm, signer)
    canvas.setFont(font, 8)
    canvas.drawCentredString(width - 55 * mm, 73 * mm, "(Ký, ghi rõ họ tên; đóng dấu mang hình Quốc huy)")
    canvas.circle(width - 55 * mm, 55 * mm, 13 * mm, stroke=1, fill=0)
    canvas.drawCentredString(width - 55 * mm, 54 * mm, "Vị trí con dấu")
    draw_qr(canvas, tracking_url, 20 * mm, 25 * mm, 28 * mm)
    canvas.drawString(20 * mm, 20 * mm, "Quét mã để tra cứu tình trạng hồ sơ")
    canvas.showPage()
    canvas.save()
    return seals.seal(buffer.getvalue(), unit.code, unit.name, title.capitalize())


def issuer(case, kind: str):
    """The one-stop section that took the case in issues the receipt, the supplement request and the
    refusal; the apology is the deciding agency's, whose delay it is."""
    return case.department if kind == "apology" else case.front_desk


def case_day(case, kind: str):
    if kind == "receipt":
        return case.accepted_on
    event = case.events.filter(action=_ACTION[kind]).order_by("-at").first()
    return event.at.date() if event else None


_ACTION = {"supplement": "request_supplement", "refusal": "refuse", "apology": "apology"}


def available(case) -> list[str]:
    """The forms this case has reached, in the order they would have been printed."""
    if not is_vietnamese(case):
        return []
    found = []
    if case.events.filter(action="request_supplement").exists():
        found.append("supplement")
    if case.events.filter(action="refuse").exists():
        found.append("refusal")
    if case.accepted_on:
        found.append("receipt")
    if case.apology_date:
        found.append("apology")
    return found


def _paragraphs(case, kind: str) -> list[str]:
    unit = issuer(case, kind).name
    applicant = f"{case.applicant_name} (giấy tờ tùy thân: {mask(case.applicant_id_number)})"
    item = f"{case.item.name} (mã thủ tục {case.item.code})"
    if kind == "receipt":
        materials = [m for m in case.materials.all() if m.status != "missing"]
        return [
            f"{unit} tiếp nhận hồ sơ của: {applicant}.",
            f"Nội dung yêu cầu giải quyết: {item}.",
            f"Số lượng hồ sơ: 01 bộ; thành phần hồ sơ gồm {len(materials)} loại giấy tờ:",
            *[f"{n}. {m.name}" for n, m in enumerate(materials, 1)],
            f"Thời gian giải quyết hồ sơ theo quy định: {case.item.legal_days or 0} ngày làm việc.",
            f"Thời gian nhận hồ sơ: {_date(case.accepted_on)}.",
            f"Thời gian trả kết quả giải quyết hồ sơ: {_date(case.due_date)}.",
            "Đăng ký nhận kết quả tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công ích, hoặc trực tuyến.",
            "Vào sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: " + case.number,
        ]
    note = case.events.filter(action=_ACTION.get(kind, "")).values_list("note", flat=True).first() or ""
    if kind == "supplement":
        missing = [m.name for m in case.materials.all() if m.status == "missing"]
        return [
            f"{unit} tiếp nhận hồ sơ của: {applicant}.",
            f"Nội dung yêu cầu giải quyết: {item}.",
            "Sau khi xem xét, hồ sơ chưa đầy đủ, chưa hợp lệ. Đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm "
            "những nội dung sau:",
            *[f"{n}. {name}" for n, name in enumerate(missing, 1)],
            f"Lý do: {note}" if note else "",
            "Các nội dung cần bổ sung được hướng dẫn một lần, đầy đủ. Trong quá trình hoàn thiện hồ sơ, "
            "nếu có vướng mắc, ông/bà liên hệ Bộ phận Một cửa để được hướng dẫn.",
        ]
    if kind == "refusal":
        return [
            f"{unit} tiếp nhận hồ sơ của: {applicant}.",
            f"Nội dung yêu cầu giải quyết: {item}.",
            f"Cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ với lý do: {note or '—'}.",
            "Xin thông báo để ông/bà được biết và thực hiện.",
        ]
    return [
        f"{unit} tiếp nhận hồ sơ của: {applicant}.",
        f"Nội dung yêu cầu giải quyết: {item}.",
        f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {_date(case.due_date)}.",
        "Tuy nhiên đến nay, cơ quan, đơn vị chưa trả kết quả giải quyết hồ sơ của ông/bà.",
        f"Lý do: {note or 'hồ sơ đang được xác minh, giải quyết'}.",
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của ông/bà. Chúng tôi xin lỗi ông/bà và "
        f"hẹn lại thời gian trả kết quả vào {_date(case.apology_date)}.",
        "Xin trân trọng cảm ơn sự hợp tác của ông/bà.",
    ]
