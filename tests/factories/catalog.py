import factory
from django.utils import timezone

from catalog.enums import ProjectSource, ProjectStatus
from catalog.models import Project, ProjectImage
from members.enums import Region
from tests.factories.members import OrganizationFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    """A complete draft of a member city (ready to propose once it has an area)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Smart project {n}")
    slug = factory.Sequence(lambda n: f"smart-project-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    country = "KR"
    region = Region.ASIA_PACIFIC
    start_year = 2019
    summary = "A citywide service for residents."
    problem = "Residents waited weeks for answers."
    solution = "One shared digital platform."
    results = "Answers within two days."
    source = ProjectSource.MEMBER
    status = ProjectStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=ProjectStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class ProjectImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectImage

    project = factory.SubFactory(ProjectFactory)
    caption = "Sensors on the river"
    image = factory.django.ImageField(filename="image.png", width=40, height=30, format="PNG")
    thumbnail = factory.django.ImageField(filename="thumb.png", width=20, height=15, format="PNG")
