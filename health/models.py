"""Smart Health Responder: the Data Portal, the Knowledge Hub's materials, and the Smart Health
Assistance supplier directory with its tracked inquiries.

Status fields change only through ``health.services`` (moderation of initiatives, the inquiry
workflow); the admin shows them read-only.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.enums import Region
from members.regions import region_for_country
from wego_portal.db import choices_check
from wego_portal.files import private_storage, validate_pdf
from wego_portal.moderation.models import Moderated

from .enums import (
    HealthTopic,
    InitiativeFileKind,
    InquiryStatus,
    InquiryTopic,
    MaterialKind,
)

LONG_TEXT = 5000


# --- Data Portal -------------------------------------------------------------------------------


class Initiative(Moderated):
    """A public-health initiative or policy a member city shares on the Data Portal.

    A city drafts it (online or by uploading the filled template), submits it, and the
    secretariat publishes it or returns it with a note. Only published initiatives, and their
    files, are public. ``links`` holds ``[{"title": …, "url": …}]``.
    """

    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="health_initiatives",
        verbose_name=_("shared by"),
        help_text=_("The member that shares it; empty for policies the secretariat records."),
    )
    title = models.CharField(_("title"), max_length=200)
    city = models.CharField(_("city or locality"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("WeGO region"), max_length=20, choices=Region.choices, blank=True, editable=False
    )
    topic = models.CharField(_("topic"), max_length=30, choices=HealthTopic.choices, blank=True)
    started_on = models.DateField(
        _("started"), null=True, blank=True, help_text=_("The month is enough.")
    )
    ended_on = models.DateField(
        _("ended"), null=True, blank=True, help_text=_("Leave empty while it is still running.")
    )
    summary = models.TextField(_("summary"), blank=True, max_length=3000)
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=LONG_TEXT)
    links = models.JSONField(_("links"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    #: What a submission must have (the verbose names are listed to the city when missing).
    REQUIRED_FOR_SUBMISSION = ("title", "city", "country", "topic", "started_on", "summary")

    class Meta:
        verbose_name = _("Data Portal initiative")
        verbose_name_plural = _("Data Portal initiatives")
        ordering = ["-started_on", "title", "id"]
        constraints = [
            *Moderated.Meta.constraints,
            choices_check("topic", HealthTopic, allow_blank=True),
            choices_check("region", Region, allow_blank=True),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="health_initiative_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-started_on"], name="health_init_public"),
            models.Index(fields=["organization", "status"], name="health_init_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.region = region_for_country(self.country.code) if self.country else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "region"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("health:initiative", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end must be after the start.")})


class InitiativeFile(models.Model):
    """A file of an initiative: the filled template or a PDF. Private storage; streamed by a
    view that checks the initiative is published (or the reader may see its draft)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="files", verbose_name=_("initiative")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InitiativeFileKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="health/initiatives/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("initiative file")
        verbose_name_plural = _("initiative files")
        ordering = ["uploaded_at", "id"]
        constraints = [choices_check("kind", InitiativeFileKind)]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "health:initiative_file", kwargs={"pk": self.initiative_id, "file_pk": self.pk}
        )

    @property
    def download_name(self) -> str:
        return PurePath(self.original_name).name or f"initiative-file-{self.pk}"


# --- Knowledge Hub -----------------------------------------------------------------------------


class Material(models.Model):
    """A capacity-building material of the Knowledge Hub: a document (PDF) or a link."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MaterialKind.choices, default=MaterialKind.DOCUMENT
    )
    topic = models.CharField(_("topic"), max_length=30, choices=HealthTopic.choices)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(
        _("document (PDF)"),
        storage=private_storage,
        upload_to="health/materials/%Y/",
        validators=[validate_pdf],
        blank=True,
    )
    source = models.CharField(
        _("published by"), max_length=200, blank=True, help_text=_("E.g. “WHO”, “WeGO”.")
    )
    published_on = models.DateField(_("date"), null=True, blank=True)
    is_public = models.BooleanField(_("shown on the Knowledge Hub"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("capacity-building material")
        verbose_name_plural = _("capacity-building materials")
        ordering = ["-published_on", "title", "id"]
        constraints = [
            choices_check("kind", MaterialKind),
            choices_check("topic", HealthTopic),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="health_material_has_url_or_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if not self.url and not self.file:
            raise ValidationError(_("Give the material's address or upload its document."))

    @property
    def href(self) -> str:
        """Where the public list links: the document download, else the address."""
        if self.file:
            return reverse("health:material_file", kwargs={"pk": self.pk})
        return self.url


# --- Smart Health Assistance -------------------------------------------------------------------


class SupplierCategory(models.Model):
    """A kind of product or service in the supplier directory ("Testing and diagnostics")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("supplier category")
        verbose_name_plural = _("supplier categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Supplier(models.Model):
    """A company manufacturing medical supplies or offering health solutions (admin-kept)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="health_supplier_listings",
        verbose_name=_("WeGO member"),
        help_text=_("When the supplier is a WeGO member, its profile is linked."),
    )
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    products = models.TextField(
        _("products and services"), blank=True, max_length=3000, help_text=_("One per line.")
    )
    categories = models.ManyToManyField(
        SupplierCategory, verbose_name=_("categories"), blank=True, related_name="suppliers"
    )
    certifications = models.CharField(
        _("certifications"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “CE, ISO 13485, FDA emergency use authorization”."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Inquiries to this supplier are sent here. Never shown on the site."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_published = models.BooleanField(_("shown in the directory"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = [Lower("name"), "id"]
        indexes = [models.Index(Lower("name"), "id", name="health_supplier_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("health:supplier", kwargs={"slug": self.slug})

    @property
    def product_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.products.splitlines() if line.strip(" -•\t")]

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"


class Inquiry(models.Model):
    """A visitor's question to a supplier or to WeGO, tracked from new to closed.

    No account is needed. The sender's address receives the acknowledgement; the secretariat
    (and the supplier, when it has an address) receives the inquiry. ``status`` changes only
    through ``services.inquiry_transition``, each change recorded as an ``InquiryTransition``.
    """

    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("supplier"),
        help_text=_("Empty: an inquiry to WeGO in general."),
    )
    name = models.CharField(_("name"), max_length=200)
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    country = CountryField(_("country"), blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=InquiryTopic.choices)
    message = models.TextField(_("message"), max_length=LONG_TEXT)
    status = models.CharField(
        _("status"), max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.NEW
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("status", InquiryStatus),
            choices_check("topic", InquiryTopic),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="health_inquiry_queue")]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def reference(self) -> str:
        """What the sender and the secretariat quote: "SHA-00012"."""
        return f"SHA-{self.pk:05d}" if self.pk else ""

    @property
    def addressee(self) -> str:
        return self.supplier.name if self.supplier is not None else str(_("WeGO"))


class InquiryTransition(models.Model):
    """One status change of an inquiry: who (empty: the portal itself), when, and a note."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(
        _("from"), max_length=20, choices=InquiryStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=InquiryStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    forwarded_to = models.EmailField(_("forwarded to"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["at", "id"]
        constraints = [
            choices_check("from_status", InquiryStatus, allow_blank=True),
            choices_check("to_status", InquiryStatus),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class InquiryNote(models.Model):
    """An internal note of the secretariat on an inquiry; never sent to anyone."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"), max_length=LONG_TEXT)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
