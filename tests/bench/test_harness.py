"""The benchmark's pieces at a small size: the synthetic network (COPY), its derived fields,
its reproducibility, the sizes, and the results file's sections. No timing here."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from bench import data, environment, results
from events.models import Event
from members.models import Organization, fold
from news.models import Article
from notifications.models import Notification
from programs.models import Application, SolutionFinderDetails
from tests.factories.members import OfficeFactory, OrganizationFactory
from tests.factories.programs import CallFactory

COUNTS = {
    "organizations": 200,
    "events": 40,
    "applications": 100,
    "users": 10,
    "notifications": 400,
    "news": 20,
}


def generate(seed: int = 7, **overrides) -> None:
    options = {**COUNTS, **overrides}
    call_command("generate_network", seed=seed, batch=64, stdout=io.StringIO(), **options)


def snapshot() -> dict:
    return {
        "organizations": list(
            Organization.objects.order_by("slug").values_list(
                "slug", "name", "country", "region", "member_type", "joined_on", "search_text"
            )
        ),
        "events": list(Event.objects.order_by("slug").values_list("slug", "title", "start_date")),
        "applications": sorted(Application.objects.values_list("organization__slug", "status")),
        "notifications": list(
            Notification.objects.order_by("idempotency_key").values_list(
                "idempotency_key", "recipient__email", "kind", "read_at"
            )
        ),
        "news": list(Article.objects.order_by("slug").values_list("slug", "title", "published_at")),
    }


@pytest.fixture
def network_base(db):
    OfficeFactory(slug="seoul-office")
    CallFactory(slug="solution-finder")


@pytest.mark.django_db
def test_generate_network_reaches_every_total_and_adds_nothing_when_run_again(network_base):
    generate()
    assert Organization.objects.count() == 200
    assert Event.objects.count() == 40
    assert Application.objects.count() == 100
    # Every application has its Solution Finder answers, written after it in the same batch.
    assert SolutionFinderDetails.objects.count() == 100
    assert User.objects.count() == 10
    assert Notification.objects.count() == 400
    assert Article.objects.count() == 20
    # Round robin: every account has its inbox.
    assert set(Notification.objects.values_list("recipient", flat=True)) == set(
        User.objects.values_list("pk", flat=True)
    )
    generate()
    assert Organization.objects.count() == 200
    assert Notification.objects.count() == 400


@pytest.mark.django_db
def test_copied_rows_hold_what_saving_through_the_models_derives(network_base):
    generate()
    for organization in Organization.objects.order_by("?")[:20]:
        assert organization.name_en == organization.name
        assert organization.sort_name == fold(organization.name)
        assert organization.search_text == organization.build_search_text()
        assert organization.name_text == organization.build_name_text()
        assert organization.created_at is not None
    for event in Event.objects.order_by("?")[:10]:
        stored = (event.window_start, event.window_end, event.sort_at, event.sort_rank)
        event.normalize_dates()
        event.refresh_window()
        assert (event.window_start, event.window_end, event.sort_at, event.sort_rank) == stored
        assert event.title_en == event.title
    article = Article.objects.first()
    assert article.is_public if hasattr(article, "is_public") else article.status == "published"
    # Nobody can sign in as a synthetic account.
    assert not any(user.has_usable_password() for user in User.objects.all())


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_network(network_base):
    generate(seed=11)
    first = snapshot()
    for model in (Notification, Application, Article, Event, Organization, User):
        model.objects.all().delete()
    generate(seed=11)
    assert snapshot() == first
    for model in (Notification, Application, Article, Event, Organization, User):
        model.objects.all().delete()
    generate(seed=12)
    assert snapshot()["organizations"] != first["organizations"]


def test_sizes_default_to_1000_and_100000_and_bench_scale_adds_one(monkeypatch):
    monkeypatch.delenv("BENCH_SCALE", raising=False)
    assert environment.sizes() == [1_000, 100_000]
    monkeypatch.setenv("BENCH_SCALE", "1000000")
    assert environment.sizes() == [1_000, 100_000, 1_000_000]
    assert environment.sizes("200,1_000") == [200, 1_000]
    assert environment.database_name(1_000_000).endswith("1000000")
    assert data.counts(1_000_000) == {
        "organizations": 1_000_000,
        "events": 200_000,
        "applications": 500_000,
        "users": 50_000,
        "notifications": 2_000_000,
        "news": 10_000,
    }


def test_production_environment_has_fresh_secrets_and_no_test_shortcuts(monkeypatch):
    monkeypatch.setenv("TEST_REDIS_CACHE_DB", "9")
    monkeypatch.setenv("DJANGO_SECURE_SSL_REDIRECT", "false")
    env = environment.production(1000, secret_key=environment.new_secret())
    assert env["DJANGO_ENV"] == "production"
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert env["CACHE_URL"] != env["REDIS_URL"]
    assert len(env["DJANGO_SECRET_KEY"]) >= 50
    assert "TEST_REDIS_CACHE_DB" not in env
    # Production's HTTPS settings are not switched off: requests say they came over HTTPS.
    assert "DJANGO_SECURE_SSL_REDIRECT" not in env
    assert environment.new_secret() != environment.new_secret()


def _run(size: int, *, p95: float, queries: int, rps: float) -> dict:
    page = {"status": 200, "queries": queries, "queries_min": queries, "median": p95 / 2}
    pages = {
        "Directory (visitor)": {**page, "p95": p95, "kind": "public"},
        "API organizations": {**page, "p95": p95, "kind": "api"},
        "Site search": {**page, "p95": p95, "kind": "search"},
        "Admin organizations": {**page, "p95": p95 * 2, "kind": "admin"},
    }
    trivial = {"rps": 1000.0, "rounds": [1000.0] * 3, "errors": []}
    rate = {"rps": rps, "rounds": [rps] * 3, "errors": []}
    return {
        "size": size,
        "database": "test",
        "pages": pages,
        "conditional": {"status": 304, "queries": 0, "median": 1.0, "p95": 1.0},
        "throughput": {
            results.TRIVIAL: trivial,
            "`/members/` visitor, page cache hit": rate,
            "`/members/` signed in, rendered": rate,
            "`/api/v1/organizations/` anonymous": rate,
        },
        "memory": [{"pid": 1, "peak_mb": 120.0, "rss_mb": 100.0}],
    }


def test_results_say_which_targets_are_met_from_the_numbers():
    run = {
        "machine": dict.fromkeys(
            (
                "cpu",
                "cores",
                "memory",
                "os",
                "python",
                "django",
                "gunicorn",
                "postgresql",
                "redis",
                "wrk",
            ),
            "x",
        ),
        "args": {"repeat": 30, "seconds": 10, "rounds": 3},
        "runs": [_run(1_000, p95=10, queries=3, rps=700), _run(100_000, p95=60, queries=4, rps=50)],
    }
    text = results.render(run)
    lines = text.splitlines()
    visitor = next(
        line for line in lines if line.startswith("| `/members/` visitor") and "≥" in line
    )
    assert "5%" in visitor and "not met" in visitor
    public = next(line for line in lines if "every public page p95 < 50 ms (100,000)" in line)
    assert "not met" in public
    search = next(line for line in lines if "site search p95 < 100 ms (100,000)" in line)
    assert "**met**" in search
    identical = next(line for line in lines if "query counts identical" in line)
    assert "not met" in identical
    assert any("p95 targets at 1,000,000 organizations | not measured" in line for line in lines)


def test_results_writer_keeps_the_other_sections(tmp_path):
    path = tmp_path / "results.md"
    path.write_text(
        "# Benchmark results\n\n<!-- loadtest:start -->\nload\n<!-- loadtest:end -->\n",
        encoding="utf-8",
    )
    results.write(path, "first")
    results.write(path, "second")
    text = path.read_text(encoding="utf-8")
    assert "<!-- loadtest:start -->\nload\n<!-- loadtest:end -->" in text
    assert text.count(results.START) == 1
    assert "second" in text and "first" not in text


def test_misspellings_leave_out_swap_or_double_a_letter_in_turn():
    from bench.prepare import misspelt

    assert [misspelt("Seoul", n) for n in range(3)] == ["seul", "soeul", "seooul"]
    assert misspelt("Oslo", 0) == "oso"
    assert misspelt("Ufa", 0) == "ufaa"


@pytest.mark.django_db
def test_uncached_searches_are_distinct_addresses_starting_with_seoul_in_four_scripts():
    from bench.prepare import distinct_paths, search_queries, uncached_searches

    OrganizationFactory(country="KR")
    queries = search_queries()
    assert queries["Korean, Russian, Chinese, Arabic names"][:4] == ["서울", "Сеул", "首尔", "سيول"]
    assert queries["country names, many matches"] == ["South Korea"]
    rows = uncached_searches(4)
    assert len(rows) == 4
    for row in rows:
        assert len(row["paths"]) == len(set(row["paths"])) == 4
        assert row["uncached"] and row["signed_in"] and row["kind"] == "public"
    # Used up: the same searches again with a type filter.
    paths = distinct_paths(["seoul", "busan"], 3)
    assert paths == [
        "/members/?q=seoul",
        "/members/?q=busan",
        "/members/?q=seoul&type=local_government",
    ]
    with pytest.raises(ValueError):
        distinct_paths(["seoul"], 10)


@pytest.mark.django_db
def test_the_api_row_of_uncached_searches_asks_for_a_different_name_every_time():
    from bench.prepare import uncached_api_searches

    (row,) = uncached_api_searches(5)

    assert len(row["paths"]) == len(set(row["paths"])) == 5
    assert all(path.startswith("/api/v1/organizations/?q=") for path in row["paths"])
    assert row["uncached"] and not row["signed_in"] and row["kind"] == "api"


def test_results_name_the_uncached_searches_target_and_say_how_they_are_measured():
    run = _run(100_000, p95=30, queries=4, rps=50)
    run["pages"]["Directory, uncached searches, city names (signed in)"] = {
        "status": 200,
        "queries": 6,
        "queries_min": 6,
        "median": 40.0,
        "p95": 62.0,
        "kind": "public",
        "uncached": True,
    }
    machine = dict.fromkeys(
        ("cpu", "cores", "memory", "os", "python", "django", "gunicorn", "postgresql", "redis"),
        "x",
    )
    text = results.render(
        {
            "machine": {**machine, "wrk": "x"},
            "args": {"repeat": 30, "seconds": 10, "rounds": 3},
            "runs": [run],
        }
    )

    line = next(line for line in text.splitlines() if "nobody asked before" in line)
    assert "62.0 ms" in line and "not met" in line
    assert "send a different search with every request" in text
    assert "which these rows do not show" not in text


def test_the_machine_line_states_the_single_thread_reference_of_the_run():
    machine = dict.fromkeys(
        ("cpu", "cores", "memory", "os", "python", "django", "gunicorn", "postgresql", "redis"),
        "x",
    )
    run = {"args": {"repeat": 30, "seconds": 10, "rounds": 3}, "runs": []}

    with_reference = results.render(
        {**run, "machine": {**machine, "wrk": "x", "cpu_reference_s": 1.234}}
    )
    older = results.render({**run, "machine": {**machine, "wrk": "x"}})

    assert "10,000,000 Python additions in 1.23 s (best of 3)" in with_reference
    assert "Python additions" not in older  # a bench.json written before the reference


def test_the_reference_is_the_best_of_its_runs(monkeypatch):
    ticks = iter([0.0, 3.0, 10.0, 11.5, 20.0, 22.0])
    monkeypatch.setattr(results, "REFERENCE_ADDITIONS", 10)
    monkeypatch.setattr(results.time, "perf_counter", lambda: next(ticks))

    assert results.cpu_reference() == 1.5
