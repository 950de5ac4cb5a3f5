import pytest
from django.utils import timezone

from awards import selectors
from awards.enums import EntryStatus
from tests.factories.accounts import UserFactory
from tests.factories.awards import (
    CategoryFactory,
    ConflictOfInterestFactory,
    EditionFactory,
    EntryFactory,
    JudgeFactory,
    ScoreFactory,
)
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db


def marks(value_list):
    names = ["innovation", "impact", "sustainability", "replicability", "citizen_benefit"]
    return dict(zip(names, value_list, strict=True))


@pytest.fixture
def panel():
    edition = EditionFactory(judging=True)
    safe = CategoryFactory(edition=edition, name="Safe City", position=1)
    mobility = CategoryFactory(edition=edition, name="Mobility", position=2)
    judges = [JudgeFactory(edition=edition, categories=[safe, mobility]) for _ in range(3)]
    return edition, safe, mobility, judges


def test_scoring_overview_averages_and_ranks_per_category(panel):
    edition, safe, mobility, (a, b, c) = panel
    alpha = EntryFactory(category=safe, entrant_name="Alpha", submitted=True)
    beta = EntryFactory(category=safe, entrant_name="Beta", submitted=True)
    gamma = EntryFactory(category=safe, entrant_name="Gamma", submitted=True)
    unscored = EntryFactory(category=safe, entrant_name="Delta", submitted=True)
    EntryFactory(category=safe, entrant_name="Draft city")  # drafts are not ranked
    solo = EntryFactory(category=mobility, entrant_name="Solo", submitted=True)
    ScoreFactory(judge=a, entry=alpha, **marks([10, 9, 8, 7, 6]))  # mean 8
    ScoreFactory(judge=b, entry=alpha, **marks([6, 6, 6, 6, 6]))  # mean 6
    ScoreFactory(judge=a, entry=beta, **marks([9, 9, 9, 9, 9]))
    ScoreFactory(judge=b, entry=beta, **marks([5, 5, 5, 5, 5]))
    ScoreFactory(judge=a, entry=gamma, **marks([8, 8, 8, 8, 8]))
    ConflictOfInterestFactory(judge=c, entry=gamma)
    ScoreFactory(judge=c, entry=solo, **marks([3, 4, 5, 6, 7]))

    overview = selectors.scoring_overview(edition)

    (first_category, safe_rows), (second_category, mobility_rows) = overview
    assert (first_category, second_category) == (safe, mobility)
    assert [(r.entry, r.rank, r.average, r.score_count) for r in safe_rows] == [
        (gamma, 1, 8.0, 1),
        (alpha, 2, 7.0, 2),
        (beta, 2, 7.0, 2),
        (unscored, None, None, 0),
    ]
    assert safe_rows[1].criteria == {
        "innovation": 8.0,
        "impact": 7.5,
        "sustainability": 7.0,
        "replicability": 6.5,
        "citizen_benefit": 6.0,
    }
    assert safe_rows[0].conflict_count == 1
    assert [(r.entry, r.rank, r.average) for r in mobility_rows] == [(solo, 1, 5.0)]


def test_scoring_overview_runs_two_queries(panel, django_assert_num_queries):
    edition, safe, _mobility, (a, _b, _c) = panel
    for _ in range(5):
        ScoreFactory(judge=a, entry=EntryFactory(category=safe, submitted=True))

    with django_assert_num_queries(2):
        selectors.scoring_overview(edition)


@pytest.fixture
def scored(panel):
    edition, safe, _mobility, (a, b, _c) = panel
    a.user = UserFactory()
    a.save()
    b.user = UserFactory()
    b.save()
    entry = EntryFactory(category=safe, submitted=True)
    ScoreFactory(judge=a, entry=entry, comments="Judge A's view")
    ScoreFactory(judge=b, entry=entry, comments="Judge B's view")
    return edition, entry, a, b


def test_a_judge_reads_only_their_own_score_while_the_panel_is_open(scored):
    _edition, entry, a, _b = scored

    visible = selectors.scores_visible_to(a.user, entry)

    assert [s.comments for s in visible] == ["Judge A's view"]


def test_judges_read_every_score_once_the_panel_closed(scored):
    edition, entry, a, _b = scored
    edition.judging_ends_at = timezone.now()
    edition.save()
    entry.edition.refresh_from_db()

    visible = selectors.scores_visible_to(a.user, entry)

    assert sorted(s.comments for s in visible) == ["Judge A's view", "Judge B's view"]


def test_the_entrant_city_and_strangers_read_no_scores(scored, secretariat):
    _edition, entry, _a, _b = scored
    city_user = UserFactory()
    entry.organization.people.create(user=city_user)

    assert list(selectors.scores_visible_to(city_user, entry)) == []
    assert list(selectors.scores_visible_to(UserFactory(), entry)) == []
    assert selectors.scores_visible_to(secretariat, entry).count() == 2


def test_awards_won_by_lists_only_published_awards(db):
    city = OrganizationFactory()
    published = EditionFactory(published=True, year=2020, number=4)
    pending = EditionFactory(panel_closed=True)
    won = EntryFactory(category=CategoryFactory(edition=published), organization=city, winner=True)
    EntryFactory(category=CategoryFactory(edition=pending), organization=city, winner=True)
    EntryFactory(category=CategoryFactory(edition=published), organization=city, submitted=True)

    assert list(selectors.awards_won_by(city)) == [won]


def test_entries_for_judge_seats_marks_conflicts_and_own_scores(panel):
    _edition, safe, mobility, (a, _b, _c) = panel
    scored_entry = EntryFactory(category=safe, submitted=True)
    conflicted = EntryFactory(category=safe, submitted=True)
    fresh = EntryFactory(category=mobility, submitted=True)
    EntryFactory(category=safe, status=EntryStatus.DRAFT)
    ScoreFactory(judge=a, entry=scored_entry)
    ConflictOfInterestFactory(judge=a, entry=conflicted)

    entries = selectors.entries_for_judge_seats([a])[a.pk]
    rows = {e.pk: (e.has_conflict, e.is_scored) for e in entries}

    assert rows == {
        scored_entry.pk: (False, True),
        conflicted.pk: (True, False),
        fresh.pk: (False, False),
    }
