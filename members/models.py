"""WeGO's members, partners and offices, and the people who act for each organization."""

import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from wego_portal.db import choices_check
from wego_portal.files import private_storage, validate_pdf
from wego_portal.links import slug_url

from .enums import (
    AboutEntryKind,
    ApplicationStatus,
    MembershipClass,
    MemberType,
    OfficeKind,
    OrganizationRole,
    OrganizationStatus,
    Region,
    Relationship,
)

LANGUAGES = settings.LANGUAGES


def translation_in(language: str, value):
    """``value()`` computed with ``language`` active (a country's name in that language)."""
    with translation.override(language):
        return str(value())


def fold(text: str) -> str:
    """Lower-case, accent-free text: "São Paulo" and "sao paulo" fold to the same string."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _folded_words(names, limit: int) -> str:
    """The names folded, each once, in order, joined by spaces, at most ``limit`` long."""
    seen: list[str] = []
    for name in names:
        folded = fold(name or "")
        if folded and folded not in seen:
            seen.append(folded)
    return " ".join(seen)[:limit]


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of ``value`` among ``choices``; ``value`` itself when it is none of
    them (as Django's ``get_FOO_display``)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Office(models.Model):
    """The Secretariat in Seoul or one of WeGO's regional offices."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OfficeKind.choices)
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))
    opened_year = models.PositiveSmallIntegerField(_("opened in"), null=True, blank=True)
    regions = models.JSONField(
        _("regions covered"),
        default=list,
        blank=True,
        help_text=_("The WeGO regions whose members this office looks after."),
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    approval_decision = models.ForeignKey(
        "governance.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_offices",
        verbose_name=_("approved by the decision"),
    )
    staff_group = models.OneToOneField(
        Group,
        verbose_name=_("staff group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="office",
        help_text=_("Back-office users in this group look after this office's members."),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["kind", "opened_year", "name"]
        constraints = [choices_check("kind", OfficeKind)]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:office", kwargs={"slug": self.slug})

    @property
    def region_labels(self) -> list[str]:
        return [Region(code).label for code in self.regions if code in Region.values]


class Organization(models.Model):
    """A member (local government, corporation, institution) or an MOU partner of WeGO."""

    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(
        _("name in its own language"),
        max_length=200,
        blank=True,
        help_text=_("The official name in the organization's own language and script."),
    )
    transliterated_names = models.JSONField(
        _("transliterated names"),
        default=list,
        blank=True,
        help_text=_(
            "Languages whose name is a transliteration rather than a standard name (shown as such)."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    member_type = models.CharField(_("member type"), max_length=20, choices=MemberType.choices)
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship.choices, default=Relationship.MEMBER
    )
    membership_class = models.CharField(
        _("membership class"),
        max_length=20,
        choices=MembershipClass.choices,
        blank=True,
        help_text=_("An Associate member becomes Full when the Executive Committee approves."),
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("WeGO region"), max_length=20, choices=Region.choices, blank=True)
    city = models.CharField(_("city or locality"), max_length=120, blank=True)
    office = models.ForeignKey(
        Office,
        verbose_name=_("looked after by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.ACTIVE,
    )
    joined_on = models.DateField(
        _("joined on"),
        null=True,
        blank=True,
        help_text=_(
            "When the member joined: the Executive Committee's approval date, or for the "
            "2019–2020 members the date WeGO's annual report gives (for partners, the MOU date)."
        ),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    logo_thumbnail = models.ImageField(upload_to="logos/thumbs/", blank=True, editable=False)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("short public description"), blank=True, max_length=2000)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    contact_phone = models.CharField(_("public contact phone"), max_length=50, blank=True)
    social_links = models.JSONField(
        _("social media"),
        default=list,
        blank=True,
        help_text=_("Addresses of the organization's public social media pages."),
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population as of (year)"), null=True, blank=True
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    leader_name = models.CharField(
        _("head of the organization"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the mayor. Shown only when “publish” is ticked."),
    )
    leader_title = models.CharField(_("head's title"), max_length=200, blank=True)
    leader_public = models.BooleanField(_("publish the head on the profile"), default=False)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("For the map on the profile, e.g. 37.56667."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("E.g. 126.97806."),
    )
    areas = models.ManyToManyField(
        "programs.SmartCityArea",
        verbose_name=_("Smart City Driver areas of interest"),
        blank=True,
        related_name="organizations",
    )
    # Derived on save: the folded name orders the directory ("São Paulo" among the S's, not
    # after "Seoul"); the folded name, city and country are what search matches.
    sort_name = models.CharField(max_length=200, editable=False, default="")
    search_text = models.CharField(max_length=2000, editable=False, default="")
    # The folded names and city alone (no country names): short, so the typo-tolerant match
    # and the ranking, which compare the query with every candidate's text, stay cheap.
    name_text = models.CharField(max_length=1000, editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The history follows the English texts; the per-language columns (members/translation.py)
    # are left out of it.
    history = HistoricalRecords(
        excluded_fields=[
            "sort_name",
            "search_text",
            "name_text",
            "logo_thumbnail",
            *(
                f"{field}_{code.replace('-', '_')}"
                for field in ("name", "description")
                for code, _name in settings.LANGUAGES
            ),
        ]
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "country", name="members_organization_unique_name_per_country"
            ),
            choices_check("member_type", MemberType),
            choices_check("relationship", Relationship),
            choices_check("status", OrganizationStatus),
            choices_check("region", Region, allow_blank=True),
            choices_check("membership_class", MembershipClass, allow_blank=True),
        ]
        indexes = [
            models.Index(
                fields=["relationship", "status", "sort_name", "id"], name="members_org_directory"
            ),
            models.Index(fields=["sort_name", "id"], name="members_org_sort"),
            models.Index(fields=["region", "member_type"], name="members_org_region_type"),
            models.Index(fields=["country"], name="members_org_country"),
            # A directory search's country part (members.selectors.DirectorySearch): the
            # members of a country, counted per facet and listed by name (in the index's order)
            # from the index alone.
            models.Index(
                fields=["country", "sort_name", "id"],
                include=["member_type", "region", "office", "joined_on"],
                condition=Q(status="active", relationship="member"),
                name="members_org_directory_country",
            ),
            models.Index(fields=["joined_on"], name="members_org_joined"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = fold(self.name_en or self.name)[:200]
        self.search_text = self.build_search_text()
        self.name_text = self.build_name_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "sort_name",
                "search_text",
                "name_text",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.profile_url(self.slug)

    @staticmethod
    def profile_url(slug: str) -> str:
        """The public profile's address, from the slug alone (lists built from columns)."""
        return slug_url("members:profile", slug)

    def build_search_text(self) -> str:
        """What the directory search matches, folded: the name in every language and script
        (English, the organization's own, each standard name), the city, and the country's name
        in English and the other languages."""
        countries = []
        if self.country:
            countries = [translation_in(code, lambda: self.country.name) for code, _n in LANGUAGES]
        return _folded_words([*self._names(), *countries], 2000)

    def build_name_text(self) -> str:
        """The folded names in every language and the city: ``search_text`` without the
        country's names."""
        return _folded_words(self._names(), 1000)

    def _names(self) -> list:
        names = [self.name_en or self.name, self.native_name]
        names += [getattr(self, f"name_{code.replace('-', '_')}", None) for code, _n in LANGUAGES]
        names.append(self.city)
        return names

    # Each card of a directory page shows both. Django's own get_FOO_display builds a dict of
    # every choice, translating every label, at each call; these translate the one shown.
    def get_member_type_display(self) -> str:
        return _choice_label(MemberType, self.member_type)

    def get_region_display(self) -> str:
        return _choice_label(Region, self.region)

    def name_is_transliteration(self) -> bool:
        """Whether the name shown in the current language is a transliteration."""
        return translation.get_language() in (self.transliterated_names or [])

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"

    @property
    def is_public(self) -> bool:
        return self.status == OrganizationStatus.ACTIVE


def organization_photo_path(instance, filename: str) -> str:
    """Public media under an unguessable folder (the file is shown on the public profile)."""
    return f"organizations/photos/{uuid.uuid4().hex}/{PurePath(filename).name}"


class OrganizationPhoto(models.Model):
    """A picture in a member's public gallery: re-encoded on upload (only pixels are kept), with
    a thumbnail and the text alternative that says what it shows."""

    organization = models.ForeignKey(
        "Organization", on_delete=models.CASCADE, related_name="photos", verbose_name=_("member")
    )
    image = models.ImageField(_("image"), upload_to=organization_photo_path)
    thumbnail = models.ImageField(upload_to=organization_photo_path, editable=False)
    alt_text = models.CharField(
        _("text alternative"),
        max_length=200,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class OrganizationUser(models.Model):
    """A person who acts for an organization in the portal."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_roles",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=OrganizationRole.choices, default=OrganizationRole.EDITOR
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization user")
        verbose_name_plural = _("organization users")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="members_one_role_per_org"
            ),
            choices_check("role", OrganizationRole),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organization})"


class MembershipApplication(models.Model):
    """An organization's application to join WeGO, decided by the Executive Committee."""

    organization_name = models.CharField(_("organization name"), max_length=200)
    member_type = models.CharField(
        _("type of organization"), max_length=20, choices=MemberType.choices
    )
    country = CountryField(_("country"))
    region = models.CharField(_("WeGO region"), max_length=20, choices=Region.choices, blank=True)
    city = models.CharField(_("city or locality"), max_length=120)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_title = models.CharField(_("contact person's job title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    motivation = models.TextField(_("why do you want to join WeGO?"), max_length=5000)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the application was made in; WeGO answers in it."),
    )
    supporting_letter = models.FileField(
        _("supporting letter (PDF)"),
        storage=private_storage,
        upload_to="membership-letters/%Y/",
        validators=[validate_pdf],
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    excom_approved_on = models.DateField(_("EXCOM approval date"), null=True, blank=True)
    decision = models.ForeignKey(
        "governance.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_applications",
        verbose_name=_("approved by the decision"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    organization = models.OneToOneField(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership_application",
        verbose_name=_("organization created"),
    )

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-submitted_at"]
        constraints = [
            choices_check("status", ApplicationStatus),
            choices_check("member_type", MemberType),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(excom_approved_on__isnull=False),
                name="members_approved_application_has_excom_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.get_status_display()})"


class AboutPage(models.Model):
    """The "About WeGO" page (one row, kept by the Secretariat in the back office): the
    organization, its President and Secretary General and the 2030 Masterplan; its pillars,
    advisory board and history milestones are ``AboutEntry`` rows."""

    introduction = models.TextField(_("introduction"), blank=True, max_length=3000)
    president_name = models.CharField(_("President"), max_length=200, blank=True)
    president_title = models.CharField(_("President's title"), max_length=200, blank=True)
    president_organization = models.ForeignKey(
        "Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("President's city"),
        help_text=_("Its profile names it WeGO's president city."),
    )
    secretary_general_name = models.CharField(_("Secretary General"), max_length=200, blank=True)
    secretary_general_title = models.CharField(
        _("Secretary General's title"), max_length=200, blank=True
    )
    masterplan = models.TextField(_("2030 Masterplan"), blank=True, max_length=3000)
    masterplan_vision = models.TextField(_("vision 2030"), blank=True, max_length=3000)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where these facts come from.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("About WeGO page")
        verbose_name_plural = _("About WeGO page")

    def __str__(self) -> str:
        return str(_("About WeGO"))


class AboutEntry(models.Model):
    """A pillar of the 2030 Masterplan, an adviser on its board, or a history milestone."""

    page = models.ForeignKey(
        AboutPage, on_delete=models.CASCADE, related_name="entries", verbose_name=_("page")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AboutEntryKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("About WeGO entry")
        verbose_name_plural = _("About WeGO entries")
        ordering = ["kind", "position", "id"]
        constraints = [choices_check("kind", AboutEntryKind)]

    def __str__(self) -> str:
        return self.title
