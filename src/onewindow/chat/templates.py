"""The chat channel's message templates and what a citizen may write to the official account (pure).

As on the chat platforms whose official accounts send notices (templates registered with the
platform, each message naming a template and its parameters), the platform sends a template id and
parameters; the chat platform renders the text in the recipient's language. The reference chat
process renders them with `render`, so both sides read one set."""

from __future__ import annotations

import re
import string

# template → {language: text}; the parameters are the text's {fields}.
TEMPLATES: dict[str, dict[str, str]] = {
    "linked": {
        "vi": "Tài khoản của bạn đã được liên kết với OneWindow. Gửi mã hồ sơ (ví dụ {example}) để tra cứu.",
        "en": "Your account is linked to OneWindow. Send a case number (e.g. {example}) to look it up.",
        "zh-hans": "您的账号已与 OneWindow 绑定。发送办件编号（例如 {example}）即可查询。",
    },
    "link_failed": {
        "vi": "Mã liên kết không đúng hoặc đã hết hạn. Lấy mã mới trên trang Thông báo của bạn.",
        "en": "The link code is wrong or has expired. Get a new one on your Notices page.",
        "zh-hans": "绑定码错误或已过期。请在“通知方式”页面获取新的绑定码。",
    },
    "help": {
        "vi": "Gửi LIENKET và mã 6 số để liên kết tài khoản, hoặc gửi mã hồ sơ để tra cứu tình trạng.",
        "en": "Send LINK and your 6-digit code to link your account, or a case number to look it up.",
        "zh-hans": "发送“绑定”加 6 位绑定码以绑定账号，或发送办件编号查询进度。",
    },
    "case_status": {
        "vi": "Hồ sơ {number} ({item}): {status}. Hạn trả kết quả: {due}.",
        "en": "Case {number} ({item}): {status}. Due: {due}.",
        "zh-hans": "办件 {number}（{item}）：{status}。办结时限：{due}。",
    },
    "case_not_found": {
        "vi": "Không tìm thấy hồ sơ {number} trong các hồ sơ của bạn.",
        "en": "Case {number} is not among your cases.",
        "zh-hans": "您的办件中没有 {number}。",
    },
    "not_linked": {
        "vi": "Hãy liên kết tài khoản trước: gửi LIENKET và mã 6 số trên trang Thông báo của bạn.",
        "en": "Link your account first: send LINK and the 6-digit code from your Notices page.",
        "zh-hans": "请先绑定账号：发送“绑定”加“通知方式”页面上的 6 位绑定码。",
    },
    # The case notices, as cases.notifications words them for email and SMS.
    "accept": {
        "vi": "Hồ sơ {number} ({item}) đã được tiếp nhận; hẹn trả kết quả ngày {due}.",
        "en": "Case {number} ({item}) is accepted; it is due on {due}.",
        "zh-hans": "办件 {number}（{item}）已受理，办结时限 {due}。",
    },
    "request_supplement": {
        "vi": "Hồ sơ {number} ({item}) cần bổ sung: {note}",
        "en": "Case {number} ({item}) needs more materials: {note}",
        "zh-hans": "办件 {number}（{item}）需要补正材料：{note}",
    },
    "approve": {
        "vi": "Hồ sơ {number} ({item}) đã được chấp thuận.",
        "en": "Case {number} ({item}) is approved.",
        "zh-hans": "办件 {number}（{item}）已准予。",
    },
    "deny": {
        "vi": "Hồ sơ {number} ({item}) không được chấp thuận: {note}",
        "en": "Case {number} ({item}) is denied: {note}",
        "zh-hans": "办件 {number}（{item}）不予许可：{note}",
    },
    "refuse": {
        "vi": "Hồ sơ {number} ({item}) không được tiếp nhận: {note}",
        "en": "Case {number} ({item}) was not accepted: {note}",
        "zh-hans": "办件 {number}（{item}）不予受理：{note}",
    },
    "deliver": {
        "vi": "Kết quả hồ sơ {number} ({item}) đã được trả.",
        "en": "The result of case {number} ({item}) is delivered.",
        "zh-hans": "办件 {number}（{item}）的结果已送达。",
    },
    "apology": {
        "vi": "Xin lỗi: hồ sơ {number} ({item}) trả kết quả chậm; ngày hẹn mới là {new_date}.",
        "en": "We are sorry: case {number} ({item}) will be late; the new date is {new_date}.",
        "zh-hans": "抱歉：办件 {number}（{item}）将延期办结，新的日期为 {new_date}。",
    },
    "due_date_changed": {
        "vi": "Lịch nghỉ lễ chính thức đã công bố: hồ sơ {number} ({item}) nay hẹn ngày {due}.",
        "en": "The official holiday calendar is published: case {number} ({item}) is now due on {due}.",
        "zh-hans": "官方节假日安排已公布：办件 {number}（{item}）的办结时限调整为 {due}。",
    },
    "revoke": {
        "vi": "Quyết định về hồ sơ {number} ({item}) đã bị thu hồi: {note}",
        "en": "The decision on case {number} ({item}) is revoked: {note}",
        "zh-hans": "办件 {number}（{item}）的决定已撤销：{note}",
    },
    "consent_withdrawn": {
        "vi": "Bạn đã rút lại sự đồng ý: hãy nộp các giấy tờ của hồ sơ {number} ({item}).",
        "en": "You withdrew your consent: bring or upload the materials of case {number} ({item}).",
        "zh-hans": "您已撤回授权：请提交办件 {number}（{item}）的相关材料。",
    },
}
LANGUAGES = ("vi", "en", "zh-hans")

# What a citizen writes: "LINK 123456" (LIENKET, LIÊN KẾT, 绑定), or a case number.
_LINK = re.compile(r"^\s*(?:link|lienket|liên\s*kết|绑定)\s*[:：]?\s*(\d{6})\s*$", re.IGNORECASE)
CASE_NUMBER = re.compile(r"\b([A-Z0-9]+(?:-[A-Z0-9]+)*-\d{8}-\d{7})\b")


def params_of(template: str) -> set[str]:
    return {
        name
        for text in TEMPLATES[template].values()
        for _lit, name, _spec, _conv in string.Formatter().parse(text)
        if name
    }


def problems(template: str, params: dict) -> list[str]:
    """What is wrong with a message: an unknown template, a missing or unknown parameter."""
    if template not in TEMPLATES:
        return [f"unknown template {template!r}"]
    wanted = params_of(template)
    found = []
    found += [f"missing parameter {name!r}" for name in sorted(wanted - set(params))]
    found += [f"unknown parameter {name!r}" for name in sorted(set(params) - wanted)]
    found += [
        f"parameter {name!r} must be text" for name, value in params.items() if not isinstance(value, str)
    ]
    return found


def render(template: str, params: dict, language: str) -> str:
    texts = TEMPLATES[template]
    return texts.get(language, texts["en"]).format(**params)


def language_of(language: str) -> str:
    language = (language or "").lower()
    return language if language in LANGUAGES else "vi" if language.startswith("vi") else "en"


def parse(text: str) -> tuple[str, str]:
    """("link", code), ("status", case number) or ("help", "")."""
    if found := _LINK.match(text or ""):
        return "link", found.group(1)
    if found := CASE_NUMBER.search((text or "").upper()):
        return "status", found.group(1)
    return "help", ""
