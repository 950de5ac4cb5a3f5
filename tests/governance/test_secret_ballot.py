"""A secret ballot cannot be joined to its voter: not by the schema, not by the stored rows."""

import json
import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from governance import services
from governance.enums import Choice, VoteStatus
from governance.models import AuditEntry, Ballot, Elector
from notifications.models import Notification
from tests.factories.governance import ResolutionFactory, VoteFactory

from .conftest import full_members, postgres_only

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField)


def test_ballot_table_holds_no_voter_no_time_and_no_sequence():
    fields = {f.name: f for f in Ballot._meta.concrete_fields}
    assert set(fields) == {
        "id",
        "vote",
        "receipt",
        "choice",
        "candidates",
        "secret",
        "organization",
    }
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].primary_key
    assert not any(isinstance(f, TIME_FIELDS) for f in fields.values())
    assert not any(isinstance(f, models.AutoField) for f in fields.values())
    assert not Ballot._meta.ordering
    # The only reference to a voter is the organization of an *open* vote (see the constraint).
    assert [f.name for f in fields.values() if f.is_relation] == ["vote", "organization"]
    constraint = next(
        c for c in Ballot._meta.constraints if c.name == "governance_secret_ballot_has_no_voter"
    )
    assert "organization__isnull" in str(constraint.condition)


def test_the_who_voted_record_references_no_ballot():
    fields = {f.name: f for f in Elector._meta.concrete_fields}
    assert set(fields) == {"id", "vote", "organization", "has_voted", "voted_by", "proxy_holder"}
    assert not any(isinstance(f, TIME_FIELDS) for f in fields.values())
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Ballot:
                pytest.fail(f"{model._meta.label}.{field.name} references a ballot")


@pytest.mark.django_db
def test_no_database_foreign_key_points_at_ballots():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND confrelid = 'governance_ballot'::regclass"
            )
            assert cursor.fetchall() == []
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'governance_ballot' ORDER BY column_name"
            )
            columns = dict(cursor.fetchall())
            assert not any("time" in t or t == "date" for t in columns.values())
            assert columns["id"] == "uuid"
        else:
            for table in connection.introspection.table_names():
                relations = connection.introspection.get_relations(cursor, table)
                assert all(target[1] != "governance_ballot" for target in relations.values())


def _spearman(xs: list[int], ys: list[int]) -> float:
    n = len(xs)
    d2 = sum((x - y) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


@postgres_only
@pytest.mark.django_db
def test_stored_rows_cannot_be_paired_after_the_vote_closes(assembly, secretariat):
    members = full_members(60, prefix="Secret")
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly), secret=True)
    services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)
    receipts_in_order = []
    for index, org in enumerate(members):
        receipts_in_order.append(
            services.ballot_cast(
                vote=vote,
                organization=org,
                cast_by=org.delegates.get().user,
                choice=[Choice.YES, Choice.NO, Choice.ABSTAIN][index % 3],
            )
        )
    services.vote_close(vote=vote, closed_by=secretariat, expected_status=VoteStatus.OPEN)

    ballots = list(Ballot.objects.filter(vote=vote).values("id", "receipt", "organization_id"))
    assert len(ballots) == 60
    assert {b["organization_id"] for b in ballots} == {None}
    assert all(uuid.UUID(str(b["id"])).version == 4 for b in ballots)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT receipt, xmin::text FROM governance_ballot WHERE vote_id = %s ORDER BY ctid",
            [vote.pk],
        )
        physical = cursor.fetchall()
        cursor.execute(
            "SELECT organization_id, xmin::text FROM governance_elector WHERE vote_id = %s "
            "ORDER BY ctid",
            [vote.pk],
        )
        elector_rows = cursor.fetchall()
    # One row version for every ballot (the rewrite at closing), shared with no elector row.
    ballot_xmins = {xmin for _r, xmin in physical}
    assert len(ballot_xmins) == 1
    assert ballot_xmins.isdisjoint({xmin for _o, xmin in elector_rows})
    # The physical order of the ballots does not follow the order of voting.
    cast_rank = {receipt: i for i, receipt in enumerate(receipts_in_order)}
    stored = [cast_rank[receipt] for receipt, _x in physical]
    assert sorted(stored) == list(range(60))
    assert abs(_spearman(list(range(60)), stored)) < 0.5

    # Nothing else written during the vote pairs a member with a receipt.
    written = json.dumps(
        [
            list(AuditEntry.objects.values()),
            list(Notification.objects.values("subject", "body_text")),
        ],
        default=str,
    )
    assert not any(receipt in written for receipt in receipts_in_order)


@pytest.mark.django_db
def test_open_vote_records_who_voted_how(assembly, secretariat):
    members = full_members(3, prefix="Open")
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly), secret=False)
    services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)
    for org, choice in zip(members, [Choice.YES, Choice.NO, Choice.YES], strict=True):
        services.ballot_cast(
            vote=vote, organization=org, cast_by=org.delegates.get().user, choice=choice
        )
    services.vote_close(vote=vote, closed_by=secretariat, expected_status=VoteStatus.OPEN)
    assert sorted(Ballot.objects.filter(vote=vote).values_list("organization__name", "choice")) == [
        ("Open 000", "yes"),
        ("Open 001", "no"),
        ("Open 002", "yes"),
    ]


@pytest.mark.django_db
def test_secret_ballot_with_a_voter_is_refused_by_the_database(assembly, secretariat):
    from django.db import IntegrityError

    org = full_members(1, prefix="Check")[0]
    vote = VoteFactory(resolution=ResolutionFactory(body=assembly), secret=True)
    with pytest.raises(IntegrityError):
        Ballot.objects.create(
            vote=vote, receipt="AAAA-BBBB-CCCC", choice="yes", secret=True, organization=org
        )
