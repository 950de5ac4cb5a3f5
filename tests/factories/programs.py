import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from members.enums import MemberType
from programs.enums import (
    ApplicationKind,
    ApplicationStatus,
    BudgetRange,
    MessageKind,
    MessageVisibility,
    MilestoneKind,
    MilestoneStatus,
    PartnerType,
    StakeholderRole,
)
from programs.models import (
    Application,
    ApplicationAttachment,
    ApplicationMessage,
    ApplicationTransition,
    Call,
    CallDocument,
    Milestone,
    Program,
    ProgramSection,
    ProjectImplementerDetails,
    Review,
    SolutionComponent,
    SolutionFinderDetails,
    Stakeholder,
)
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory
from tests.members.files import pdf_bytes


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    summary = "Helps cities plan, finance and deploy smart city projects."
    description = "A WeGO program."


class ProgramSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramSection

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Paragraph one.\n\nParagraph two."


class CallFactory(factory.django.DjangoModelFactory):
    """An open call (opened 10 days ago, closing in 30 days) for local governments."""

    class Meta:
        model = Call

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Call {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    kind = ApplicationKind.SOLUTION_FINDER
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    description = "Apply now."
    eligible_member_types = factory.LazyFunction(lambda: [MemberType.LOCAL_GOVERNMENT.value])
    is_published = True


class CallDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallDocument

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Document {n}")
    required = True


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application row only (its answers are a separate factory)."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organization = factory.SubFactory(OrganizationFactory)
    kind = factory.LazyAttribute(lambda o: o.call.kind)
    status = ApplicationStatus.DRAFT


class SolutionFinderDetailsFactory(factory.django.DjangoModelFactory):
    """Complete Solution Finder answers (areas and components are their own rows)."""

    class Meta:
        model = SolutionFinderDetails

    application = factory.SubFactory(
        ApplicationFactory,
        call=factory.SubFactory(CallFactory, kind=ApplicationKind.SOLUTION_FINDER),
    )
    urban_challenges = "Floods every summer cut the eastern districts off."
    budget_range = BudgetRange.FROM_100K_TO_500K
    timeline = "Pilot in 2022, citywide in 2024."
    preferred_partner_types = factory.LazyFunction(lambda: [PartnerType.CONSULTANT.value])
    contact_name = "Kim Min-ji"
    contact_email = "minji@city.test"


class SolutionComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolutionComponent

    application = factory.SubFactory(ApplicationFactory)
    area = None
    need = "River level sensors and a public dashboard."


class ProjectImplementerDetailsFactory(factory.django.DjangoModelFactory):
    """A complete Project Implementer proposal, with its supporting letter."""

    class Meta:
        model = ProjectImplementerDetails

    application = factory.SubFactory(
        ApplicationFactory,
        call=factory.SubFactory(CallFactory, kind=ApplicationKind.PROJECT_IMPLEMENTER),
    )
    title = "Smart flood warning"
    summary = "Sensors and alerts for the river districts."
    objectives = "Warn residents an hour before floods."
    expected_impact = "Fewer losses in 12,000 households."
    total_budget = Decimal("250000")
    cofunding_amount = Decimal("50000")
    currency = "USD"
    implementation_plan = "Study in 2022, pilot in 2023."
    mayor_letter = factory.django.FileField(data=pdf_bytes(), filename="letter.pdf")
    mayor_letter_name = "letter.pdf"


class ApplicationTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationTransition

    application = factory.SubFactory(ApplicationFactory)
    from_status = ApplicationStatus.DRAFT
    to_status = ApplicationStatus.SUBMITTED


class ApplicationMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationMessage

    application = factory.SubFactory(ApplicationFactory)
    author = factory.SubFactory(UserFactory, is_staff=True)
    visibility = MessageVisibility.SHARED
    kind = MessageKind.MESSAGE
    body = "Thank you for your application."


class ApplicationAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationAttachment

    application = factory.SubFactory(ApplicationFactory)
    file = factory.django.FileField(data=pdf_bytes(), filename="annex.pdf")
    original_name = "annex.pdf"
    size = factory.LazyAttribute(lambda o: len(pdf_bytes()))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory, is_staff=True)


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    application = factory.SubFactory(ApplicationFactory)
    organization = factory.SubFactory(OrganizationFactory, member_type=MemberType.CORPORATION)
    role = StakeholderRole.CONSULTING_COMPANY


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    application = factory.SubFactory(ApplicationFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    kind = MilestoneKind.FEASIBILITY_STUDY
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = MilestoneStatus.PLANNED
