import factory

from reports.enums import RunState
from reports.models import ReportRun
from tests.factories.accounts import UserFactory


class ReportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRun

    year = 2020
    requested_by = factory.SubFactory(UserFactory, is_staff=True)
    state = RunState.QUEUED
    progress = 0
