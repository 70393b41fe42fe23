"""Knowledge search: segmentation, synonyms, tone marks, ranking; review before publishing."""

import pytest

from onewindow.core.errors import InvalidInput
from onewindow.core.models import User
from onewindow.core.permissions import Forbidden
from onewindow.knowledge import search, selectors, services
from onewindow.knowledge.models import Synonym


def doc(key, question, answer=""):
    return search.Document(key, tuple(search.words(question)), tuple(search.words(answer)))


def test_words_segment_chinese_and_fold_vietnamese_tones():
    assert {"社会保险", "断缴"} <= set(search.words("社会保险断缴了怎么办？"))
    assert {"bảo", "bao", "hiểm", "hiem"} <= set(search.words("Bảo hiểm xã hội"))
    assert "的" not in search.words("我的社保")


def test_a_synonym_finds_the_other_word_and_the_question_outranks_the_answer():
    synonyms = search.synonym_map([["社保", "社会保险"]])
    documents = [
        doc(1, "社会保险断缴了怎么补缴？", "到窗口申请补缴。"),
        doc(2, "公积金怎么提取？", "提取公积金时，社会保险记录也要提供。"),
        doc(3, "结婚登记要带什么？", "户口本和身份证。"),
    ]
    found = search.rank(search.expand(search.words("社保 断缴"), synonyms), documents)
    assert [key for key, _score in found][:1] == [1]
    assert 3 not in [key for key, _score in found]
    assert search.rank(search.expand(search.words("社保"), {}), documents) == []  # no synonym: no match


@pytest.mark.django_db
def test_articles_are_published_only_after_someone_else_reviews_them(demo):
    writer, supervisor = User.objects.get(username="reviewer-rsj"), User.objects.get(username="supervisor")
    draft = services.ArticleDraft("社会保险断缴了怎么补缴？", "到社保窗口申请补缴。", "rsj", ["RS-001"])
    article = services.write_article(draft, writer)
    assert selectors.search_articles("社会保险 断缴") == []  # waiting for review
    with pytest.raises(Forbidden):
        services.review_article(article, writer, publish=True)
    with pytest.raises(InvalidInput):
        services.review_article(article, supervisor, publish=False)  # a reason to send it back
    services.review_article(article, supervisor, publish=True)
    Synonym.objects.create(words="社保, 社会保险")
    assert [a.pk for a in selectors.search_articles("社保断缴")] == [article.pk]
    assert [a.pk for a in selectors.item_articles("RS-001")] == [article.pk]

    revised = services.write_article(
        services.ArticleDraft("社会保险断缴了怎么补缴？", "线上也可申请补缴。", "rsj", ["RS-001"]),
        writer,
        article=article,
    )
    assert revised.version == 2 and revised.status == "in_review"
    assert [v.action for v in revised.versions.order_by("id")] == ["written", "published", "written"]
    with pytest.raises(InvalidInput) as error:
        services.write_article(services.ArticleDraft("", "x", "ybj", ["NOPE"]), writer)
    assert {e.field for e in error.value.errors} == {"question", "department", "item_codes"}


@pytest.mark.django_db
def test_unanswered_questions_are_reported_most_asked_first(demo):
    import datetime as dt

    for _ in range(3):
        services.record_search("怎么办理居住证", [], "public")
    services.record_search("公积金提取", [], "public")
    rows = selectors.unanswered(dt.date(2000, 1, 1))
    assert rows[0]["asked"] == 3 and rows[0]["example"] == "怎么办理居住证"
