import datetime

import pytest

from members.enums import MemberType, OrganizationStatus, Region, Relationship
from reports import selectors
from tests.factories.members import OrganizationFactory


def test_annual_report_2020_new_members_match_the_report(wego_data):
    new = selectors.new_members(2020)

    counts = {group["type"]: group["count"] for group in new.groups}
    local = next(g for g in new.groups if g["type"] == MemberType.LOCAL_GOVERNMENT)
    names = {m["name"]: (m["country"], m["joined_on"]) for m in local["members"]}
    assert (new.first_year, new.last_year) == (2019, 2020)
    assert counts == {"local_government": 14, "corporation": 7, "institution": 5}
    assert names["Abuja"] == ("NG", datetime.date(2019, 12, 3))
    assert names["Kankai"] == ("NP", datetime.date(2020, 3, 5))
    assert names["Altai"] == ("MN", datetime.date(2020, 1, 25))
    assert local["percent"] == 10  # 14 new of 154 local governments: "up 10%"


def test_annual_report_2020_events_awards_partners_and_programs(wego_data):
    report = selectors.annual_report(2020)

    events = {e.title: e for q in report["quarters"] for e in q["events"]}
    excom = events["WeGO EXCOM 2020"]
    q4 = next(q for q in report["quarters"] if q["quarter"] == 4)
    assert (excom.participant_count, excom.speaker_count, excom.viewer_count) == (331, 24, 924)
    assert excom.host_names == "Moscow City Government"
    assert excom.sponsor_names == "beCloud, Seoul Business Agency"
    assert excom in q4["events"]
    assert [len(q["events"]) for q in report["quarters"]] == [4, 5, 10, 7]
    assert report["awards"]["count"] == 18
    assert len(report["awards"]["categories"]) == 6
    assert [(p.name, p.joined_on) for p in report["mou_partners"]] == [
        ("All India Institute of Local Self Government", datetime.date(2020, 3, 6)),
        ("Smart City Institute Japan", datetime.date(2020, 3, 18)),
    ]
    [implementer] = [
        line for line in report["programs"] if line["call"] == "Project Implementer 2020"
    ]
    assert implementer["received"] is None  # a result recorded from the report, not received
    assert [(s["organization"].name, s["at"]) for s in implementer["selected"]] == [
        ("Cauayan", datetime.date(2020, 2, 1))
    ]


def test_annual_report_2020_overview_and_growth_from_join_dates(wego_data):
    report = selectors.annual_report(2020)

    assert report["overview"]["type_totals"] == [154, 7, 5]
    assert report["overview"]["total"] == 166
    assert report["growth"] == {
        "year": 2020,
        "base_year": 2018,
        "members": 166,
        "base_members": 140,
        "added": 26,
        "percent": 19,
        "unknown_dates": 140,
        "joined_later": 0,
    }
    assert [(p["year"], p["joined"], p["members"]) for p in report["growth_points"]] == [
        (2018, 0, 140),
        (2019, 7, 147),
        (2020, 19, 166),
    ]


def test_growth_since_computes_percent_from_join_dates(db):
    OrganizationFactory.create_batch(3, joined_on=None)
    OrganizationFactory.create_batch(2, joined_on=datetime.date(2017, 5, 1))
    OrganizationFactory.create_batch(4, joined_on=datetime.date(2019, 5, 1))
    OrganizationFactory(joined_on=datetime.date(2021, 1, 5))
    OrganizationFactory(joined_on=datetime.date(2019, 1, 5), status=OrganizationStatus.FORMER)
    OrganizationFactory(joined_on=datetime.date(2019, 1, 5), relationship=Relationship.MOU_PARTNER)

    growth = selectors.growth_since(2020)

    assert (growth["base_members"], growth["members"], growth["percent"]) == (5, 9, 80)
    assert growth["joined_later"] == 1


def test_overview_at_end_of_year_leaves_out_later_members(db):
    OrganizationFactory(region=Region.AFRICA, country="NG", joined_on=datetime.date(2020, 6, 1))
    OrganizationFactory(region=Region.AFRICA, country="NG", joined_on=datetime.date(2021, 6, 1))
    OrganizationFactory(region="", country="", member_type=MemberType.CORPORATION)

    overview = selectors.overview_at_end_of(2020)

    lines = {line["region"]: (line["counts"], line["total"]) for line in overview["lines"]}
    assert lines["africa"] == ([1, 0, 0], 1)
    assert lines[""] == ([0, 1, 0], 1)
    assert lines["europe"] == ([0, 0, 0], 0)
    assert overview["total"] == 2


def test_member_growth_empty_without_join_dates(db):
    OrganizationFactory(joined_on=None)

    assert selectors.member_growth() == []


@pytest.mark.parametrize("year", [2019, 2021])
def test_award_results_none_without_published_edition(wego_data, year):
    assert selectors.award_results(year) is None
