from django.db import models
from django.utils.translation import gettext_lazy as _


class SmartCityArea(models.Model):
    """One of the 16 areas of WeGO's Smart City Driver framework (shipped as data)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("Smart City Driver area")
        verbose_name_plural = _("Smart City Driver areas")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
