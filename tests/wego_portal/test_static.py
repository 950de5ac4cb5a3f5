"""WhiteNoise (whose docs list Django up to 6.0) serves the collected, hashed static files."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings


@pytest.mark.django_db
def test_whitenoise_serves_collected_static_files_with_far_future_caching(
    tmp_path, settings, monkeypatch
):
    # gzip is what is asserted; brotli at its highest quality over the ~10 MB of collected
    # JavaScript (the API docs' bundles) took minutes of the suite (collectstatic in the image
    # still writes the .br files).
    monkeypatch.setattr("whitenoise.compress.brotli_installed", False)
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        hashed = staticfiles_storage.url("css/portal.css")
        client = Client()  # a new handler: WhiteNoise scans STATIC_ROOT when it starts

        response = client.get(hashed)
        compressed = client.get(hashed, headers={"accept-encoding": "gzip"})

    assert hashed.startswith("/static/css/portal.") and hashed != "/static/css/portal.css"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in response["Cache-Control"]
    assert b"--blue-700" in b"".join(response.streaming_content)
    assert compressed["Content-Encoding"] == "gzip"


def test_stylesheets_use_logical_properties_so_arabic_pages_mirror():
    """No hard-coded left/right: margins, paddings, borders, offsets and alignment are logical
    (``margin-inline-start``, ``text-align: start``…), so ``dir="rtl"`` mirrors every page.
    Only the PDF's page-margin boxes (``@bottom-left``), which have no logical form, remain."""
    import re
    from pathlib import Path

    physical = re.compile(
        r"(?<![\w-])(?:(?:margin|padding|border)-(?:left|right)|left|right)\s*:"
        r"|text-align:\s*(?:left|right)|float:\s*(?:left|right)"
    )
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted((Path(__file__).resolve().parents[2] / "static" / "css").glob("*.css"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if physical.search(line)
    ]
    assert offenders == []
