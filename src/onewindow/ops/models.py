"""What the commands that reach across components leave behind."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoHistory(models.Model):
    """The demo's history was built (once): with which seed, up to which day, how much, how fast."""

    region = models.CharField(_("region"), max_length=32, blank=True, default="")  # "": the centre
    seed = models.PositiveIntegerField(_("seed"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    cases = models.PositiveIntegerField(_("cases"))
    ratings = models.PositiveIntegerField(_("ratings"))
    seconds = models.FloatField(_("seconds to build"))
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo history")
        verbose_name_plural = _("demo histories")

    def __str__(self):
        return f"{self.first_day}–{self.last_day}: {self.cases} cases"
