"""The search's synonyms: pairs of words the portal's search treats as one (低保 ↔ 最低生活保障)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchSynonym(models.Model):
    """Two words, each found when the other is searched for: a query word equal to either becomes an OR of
    both (applied at query time, so a new pair needs no re-index). One list for the whole deployment, kept by
    the site administrator; `word` sorts before `synonym` (normalised), so a pair is stored once."""

    word = models.CharField(_("词语"), max_length=40)
    synonym = models.CharField(_("同义词"), max_length=40)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")
        ordering = ["word", "synonym"]
        constraints = [models.UniqueConstraint(fields=["word", "synonym"], name="catalogue_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.word} ↔ {self.synonym}"
