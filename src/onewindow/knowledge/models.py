"""The knowledge base: questions and answers written by departments, reviewed before they are
published, shared by the windows, the hotline's agents and the public search page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.models import AppendOnly


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Article(models.Model):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    department = models.ForeignKey(
        "catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="articles"
    )
    # Codes of catalog items (every version of an item shares its code): the guide of each shows it.
    item_codes = models.JSONField(_("linked service items"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # The words search matches, computed when the article is saved (segmented, lower-cased).
    terms = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"))
    # Tickets answered with it (counted when an agent records it): the most useful articles first.
    uses = models.PositiveIntegerField(_("times used"), default=0)

    class Meta:
        ordering = ["-uses", "id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        indexes = [models.Index(fields=["status", "department"])]

    def __str__(self):
        return self.question


class ArticleVersion(AppendOnly):
    """Each change of an article (and each review decision): the version history."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=16)
    status = models.CharField(_("status"), max_length=12)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    item_codes = models.JSONField(default=list)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["article", "at", "id"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")

    def __str__(self):
        return f"{self.article_id} v{self.version} {self.action}"


class Synonym(models.Model):
    """Words that mean the same to a searcher (社保 = 社会保险): a query with any of them finds all."""

    words = models.CharField(
        _("words"), max_length=300, help_text=_("Separate the words with commas, e.g. 社保, 社会保险")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self):
        return self.words

    def word_list(self) -> list[str]:
        return [w.strip().lower() for w in self.words.replace("，", ",").split(",") if w.strip()]


class Search(models.Model):
    """A question asked (by an agent, a window or the public) and whether an article answered it:
    the report of questions no article answers is made of these."""

    query = models.CharField(_("question"), max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)
    results = models.PositiveSmallIntegerField(_("articles found"), default=0)
    answered_by = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("asked through"), max_length=12)  # public, agent, window, api
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("knowledge search")
        verbose_name_plural = _("knowledge searches")

    def __str__(self):
        return self.query
