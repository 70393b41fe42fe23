import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.core.langparts import mark_language_parts


def test_chinese_runs_in_a_vietnamese_page_are_marked_and_nothing_else():
    page = '<html lang="vi"><body><p>Giấy 营业执照（副本） và 第 2 条, Điều 5</p></body></html>'
    assert mark_language_parts(page, "vi") == (
        '<html lang="vi"><body><p>Giấy <span lang="zh-Hans">营业执照（副本）</span> và '
        '<span lang="zh-Hans">第 2 条</span>, Điều 5</p></body></html>'
    )


def test_english_words_next_to_chinese_stay_outside_the_run():
    assert mark_language_parts("<p>营业执照 (business licence)</p>", "en") == (
        '<p><span lang="zh-Hans">营业执照</span> (business licence)</p>'
    )


def test_a_chinese_page_and_chinese_parts_are_left_alone():
    page = '<html lang="zh-hans"><p>营业执照</p></html>'
    assert mark_language_parts(page, "zh-hans") == page
    part = "<div lang='zh-CN'><div>身份证</div>户口簿<span lang=en>x</span>居住证</div>"
    assert mark_language_parts(part, "vi") == part


def test_an_inner_element_of_the_same_name_does_not_end_the_chinese_part():
    part = '<div lang="zh"><div>甲</div>乙</div>丙'
    assert (
        mark_language_parts(part, "en")
        == '<div lang="zh"><div>甲</div>乙</div><span lang="zh-Hans">丙</span>'
    )


def test_text_only_elements_say_it_themselves_when_mostly_chinese():
    assert mark_language_parts("<select><option value=1>A 身份证<option>护照</select>", "en") == (
        '<select><option value=1 lang="zh-Hans">A 身份证<option lang="zh-Hans">护照</select>'
    )
    title = "<title>Hồ sơ 营业执照 — OneWindow</title>"
    assert mark_language_parts(title, "vi") == title
    assert mark_language_parts("<textarea name=t>没有</textarea>", "vi") == (
        '<textarea name=t lang="zh-Hans">没有</textarea>'
    )


def test_vietnamese_in_a_chinese_or_english_page_is_marked_whole_between_chinese_runs():
    assert mark_language_parts("<dd>Ủy ban nhân dân phường Minh An</dd>", "zh-hans") == (
        '<dd><span lang="vi">Ủy ban nhân dân phường Minh An</span></dd>'
    )
    assert mark_language_parts("<p> Hồ sơ 营业执照 Minh An </p>", "en") == (
        '<p> <span lang="vi">Hồ sơ</span> <span lang="zh-Hans">营业执照</span> Minh An </p>'
    )
    assert mark_language_parts("<p>Fee: 8.000 ₫ per copy</p>", "zh-hans") == "<p>Fee: 8.000 ₫ per copy</p>"
    assert mark_language_parts("<select><option>Tiếng Việt</select>", "en") == (
        '<select><option lang="vi">Tiếng Việt</select>'
    )
    page = '<html lang="vi"><p>Ủy ban nhân dân</p></html>'
    assert mark_language_parts(page, "vi") == page


def test_scripts_styles_comments_and_attributes_are_not_touched():
    page = (
        '<script>var a = "<b>中文</b>";</script><style>p::after{content:"中"}</style>'
        '<!-- 中 --><a title="中">x</a>'
    )
    assert mark_language_parts(page, "en") == page


# A page as a tree: elements with or without a lang, text in several scripts, a select of options.
TEXT = st.text(alphabet="ab ĐơềVv12,.-&;<>营业执照（）。第条", max_size=12).map(
    lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
)
LANG = st.sampled_from(["", " lang='vi-VN'", " lang=en", ' lang="zh"', " lang='zh-CN'"])


def _element(children):
    return st.builds(
        lambda name, lang, inner: f"<{name}{lang}>{''.join(inner)}</{name}>",
        st.sampled_from(["div", "p", "span", "b"]),
        LANG,
        st.lists(children, max_size=4),
    )


OPTIONS = st.lists(TEXT, min_size=1, max_size=3).map(
    lambda texts: "<select>" + "".join(f"<option>{t}" for t in texts) + "</select>"
)
PAGE = st.recursive(
    st.one_of(TEXT, OPTIONS, st.just("<br>"), st.just("<script>'中'</script>")), _element, max_leaves=20
)


VIETNAMESE_LETTER = re.compile("[ăâđêôơưĩũĂÂĐÊÔƠƯĨŨ\u1ea0-\u1ef9]")


class _Checker(HTMLParser):
    """Every Han character in the text sits inside a Chinese lang, every Vietnamese letter inside a
    Vietnamese one (an option saying so itself)."""

    def __init__(self, page_language):
        super().__init__(convert_charrefs=True)
        self.stack = [page_language]
        self.unmarked = []
        self.in_script = False
        self.in_option = False
        self.option = None
        self.option_text = ""

    def _end_option(self):
        if not self.in_option:
            return
        data, self.option_text = self.option_text, ""
        language = (self.option or self.stack[-1]).lower()
        han = len(re.findall("[\u4e00-\u9fff]", data))
        if han and han > sum(c.isalpha() for c in data) - han:
            if not language.startswith("zh"):
                self.unmarked.append(data)
        elif VIETNAMESE_LETTER.search(data) and not language.startswith("vi"):
            self.unmarked.append(data)

    def handle_starttag(self, tag, attrs):
        lang = dict(attrs).get("lang")
        if tag == "option":
            self._end_option()
            self.in_option, self.option = True, lang
        elif tag == "script":
            self.in_script = True
        elif tag != "br":
            self.stack.append(lang or self.stack[-1])

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        elif tag == "select":
            self._end_option()
            self.in_option = False
            self.stack.pop()
        elif tag != "br":
            self.stack.pop()

    def handle_data(self, data):
        if self.in_script:
            return
        if self.in_option:
            self.option_text += data
            return
        language = self.stack[-1].lower()
        if not language.startswith("zh"):
            self.unmarked += re.findall("[\u4e00-\u9fff]", data)
        if not language.startswith("vi"):
            self.unmarked += VIETNAMESE_LETTER.findall(data)


@settings(max_examples=300, deadline=None)
@given(PAGE, st.sampled_from(["vi", "en", "zh-hans"]))
def test_every_chinese_and_vietnamese_part_is_marked_and_nothing_else_changes(page, language):
    marked = mark_language_parts(page, language)
    checker = _Checker(language)
    checker.feed(marked)
    assert checker.unmarked == []
    undone = re.sub(r'<span lang="(?:zh-Hans|vi)">([^<]*)</span>', r"\1", marked)
    assert re.sub(r' lang="(?:zh-Hans|vi)"(?=/?>)', "", undone) == page
