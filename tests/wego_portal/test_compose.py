"""No Docker engine runs on these machines: read docker-compose.yml and the Dockerfile instead."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_the_readme_promises():
    services = _compose()["services"]

    assert set(services) == {
        "db",
        "redis",
        "cache",
        "web",
        "worker",
        "sweeper",
        "beat",
        "mail",
        "s3",
    }
    readme = (ROOT / "README.md").read_text()
    for name in services:
        assert f"`{name}`" in readme


def test_compose_services_have_healthchecks_and_start_in_order():
    services = _compose()["services"]

    for name in ("db", "redis", "web", "mail"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_compose_redis_keeps_queued_tasks_across_restarts():
    command = " ".join(_compose()["services"]["redis"]["command"])

    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command


def test_compose_runs_gunicorn_and_celery_with_production_settings():
    services = _compose()["services"]

    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:3] == ["celery", "-A", "wego_portal"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    anchors = _compose()["x-django-env"]
    assert anchors["DJANGO_ENV"] == "production"
    assert anchors["REDIS_URL"].startswith("redis://redis:6379")
    assert anchors["CACHE_URL"].startswith("redis://cache:6379")
    assert anchors["DATABASE_URL"].startswith("postgres://")


def test_dockerfile_runs_as_non_root_and_collects_static_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "collectstatic --noinput" in dockerfile
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1] != "USER root"
    assert "--require-hashes" in dockerfile


def test_compose_runs_the_outbox_sweeper_on_its_own_queue():
    services = _compose()["services"]

    command = services["sweeper"]["command"]
    assert command[command.index("--queues") + 1] == "outbox-sweep"
    assert "--queues" not in services["worker"]["command"]
