"""Language of parts (WCAG 2.1 SC 3.1.2): Chinese text inside a Vietnamese or English page carries
`lang="zh-Hans"`, and Vietnamese text inside a Chinese or English page `lang="vi"`, so a screen
reader reads each with its own voice.

Chinese reaches a vi or en page by many roads: catalog content without a translation (the fallback
of `core.i18n.translated_value`), fields that exist only in Chinese (legal bases, policy titles),
and what people wrote (names, addresses, complaints). Marking each road in each template would miss
some, so the rendered page is marked once, here, by script: every run of Han characters outside an
element that already says it is Chinese is wrapped in a span. Vietnamese (the Quảng Nam
province's content, in a zh or en page) is told by its own letters (ă â đ ê ô ơ ư and the tone
marks): the stretch of a text node between Chinese runs that holds one is wrapped whole, since a
Vietnamese name has plain words too ("Phường Minh An"). Elements that hold only text (`<option>`,
`<textarea>`, `<title>`) get the attribute themselves when they are mostly Chinese, or Vietnamese.
Nothing else in the page changes: removing the inserted spans and attributes gives back the input,
byte for byte (property test).
"""

import re
from html import unescape

CHINESE = "zh-Hans"
VIETNAMESE = "vi"
# Letters only Vietnamese writes: ă â đ ê ô ơ ư, ĩ ũ, and those with the tone marks (Latin Extended
# Additional, U+1EA0–U+1EF9).
_HAS_VIETNAMESE = re.compile("[ăâđêôơưĩũĂÂĐÊÔƠƯĨŨ\u1ea0-\u1ef9]")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Han, CJK punctuation and full-width forms: what a run of Chinese text is made of.
_CJK = _HAN + "\u3000-\u303f\uff00-\uffef"
_HAS_HAN = re.compile(f"[{_HAN}]")
# A run starts and ends with a CJK character; digits, spaces and light punctuation may join two parts
# ("2025年 3月", "减按 15% 税率") but never letters, so "营业执照 (business licence)" keeps its English out.
_RUN = re.compile(f"[{_CJK}](?:[{_CJK}0-9\\s.,:;/%()·\\-]*[{_CJK}])?")
_TOKEN = re.compile(r"(<!--.*?-->|<![^>]*>|<\?[^>]*>|</?[A-Za-z][^>]*>)", re.S)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_RAW_TEXT = {"script", "style"}
_TEXT_ONLY = {"option", "textarea", "title"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


def is_chinese(language: str | None) -> bool:
    return bool(language) and language.lower().startswith("zh")


def is_vietnamese(language: str | None) -> bool:
    return bool(language) and language.lower().startswith("vi")


def mark_language_parts(html: str, page_language: str) -> str:
    """`html` with each Chinese run in a non-Chinese part wrapped in a `zh-Hans` span, and each
    Vietnamese stretch in a non-Vietnamese part in a `vi` span.

    `page_language` is the language of a fragment without an `<html lang>` (the board's live part)."""
    if not (_HAS_HAN.search(html) or _HAS_VIETNAMESE.search(html)):
        return html
    tokens = _TOKEN.split(html)
    # Elements carrying a lang attribute that are open, innermost last: [name, depth, language].
    # Only the innermost is counted, which is enough in well-nested markup: its same-named
    # descendants open and close while it is innermost.
    open_langs: list[list] = []
    out = []
    raw_until = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if i % 2 == 1:  # text between tags
            if raw_until is None and token:
                token = _mark_text(token, open_langs[-1][2] if open_langs else page_language)
            out.append(token)
            continue
        name_match = _TAG_NAME.match(token)
        if not name_match:  # a comment, doctype or processing instruction
            out.append(token)
            continue
        name = name_match.group(1).lower()
        closing = token.startswith("</")
        if raw_until is not None:
            if closing and name == raw_until:
                raw_until = None
            out.append(token)
            continue
        if closing:
            if open_langs and open_langs[-1][0] == name:
                open_langs[-1][1] -= 1
                if open_langs[-1][1] == 0:
                    open_langs.pop()
            out.append(token)
            continue
        language = _lang_of(token)
        current = open_langs[-1][2] if open_langs else page_language
        if name in _TEXT_ONLY:
            # Its text cannot hold a span: the element itself says what language the text is in. It
            # is not pushed, since its end tag may be left out (an <option> ends at the next one).
            text = tokens[i] if i < len(tokens) else ""
            if language is None:
                if _mostly_chinese(text):
                    token = token if is_chinese(current) else _add_lang(token, CHINESE)
                elif _HAS_VIETNAMESE.search(text) and not is_vietnamese(current):
                    token = _add_lang(token, VIETNAMESE)
            out.extend((token, text))
            i += 1
            continue
        if name in _RAW_TEXT:
            raw_until = name
        elif token.rstrip().endswith("/>") or name in _VOID:
            pass
        elif language is not None:
            open_langs.append([name, 1, language])
        elif open_langs and open_langs[-1][0] == name:
            open_langs[-1][1] += 1
        out.append(token)
    return "".join(out)


def _mark_text(text: str, language: str) -> str:
    mark_chinese, mark_vietnamese = not is_chinese(language), not is_vietnamese(language)
    if not (mark_vietnamese and _HAS_VIETNAMESE.search(text)) and not (
        mark_chinese and _HAS_HAN.search(text)
    ):
        return text
    out, last = [], 0
    for run in _RUN.finditer(text):
        if not _HAS_HAN.search(run.group(0)):
            continue
        out.append(
            _mark_vietnamese(text[last : run.start()]) if mark_vietnamese else text[last : run.start()]
        )
        out.append(f'<span lang="{CHINESE}">{run.group(0)}</span>' if mark_chinese else run.group(0))
        last = run.end()
    out.append(_mark_vietnamese(text[last:]) if mark_vietnamese else text[last:])
    return "".join(out)


def _mark_vietnamese(stretch: str) -> str:
    """A stretch of text without Chinese, wrapped whole (its surrounding spaces left out) when it holds
    a Vietnamese letter."""
    if not _HAS_VIETNAMESE.search(stretch):
        return stretch
    inner = stretch.strip()
    start = stretch.index(inner)
    return f'{stretch[:start]}<span lang="{VIETNAMESE}">{inner}</span>{stretch[start + len(inner) :]}'


def _mostly_chinese(text: str) -> bool:
    """More Han characters than other letters: "A 身份证" is Chinese, "Hồ sơ 营业执照 — OneWindow" not."""
    text = unescape(text)
    han = len(_HAS_HAN.findall(text))
    return han > 0 and han > sum(1 for character in text if character.isalpha()) - han


def _lang_of(tag: str) -> str | None:
    found = _LANG.search(tag)
    if not found:
        return None
    return next(value for value in found.groups() if value is not None)


def _add_lang(tag: str, language: str) -> str:
    end = len(tag) - 2 if tag.endswith("/>") else len(tag) - 1
    return f'{tag[:end]} lang="{language}"{tag[end:]}'
