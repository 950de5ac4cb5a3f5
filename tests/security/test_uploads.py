"""Hostile uploads are refused with a clear message and nothing is saved, on every upload form."""

import importlib
import time
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from PIL import ImageFile

from tests.members.files import (
    image_bomb_upload,
    pdf_upload,
    png_upload,
    polyglot_upload,
    renamed_executable_upload,
)

from .matrix import RULES

NOT_IMAGE = "The file must be an image"
TOO_MANY_PIXELS = "The image has too many pixels"
NOT_PDF = "This file is not a PDF"
TOO_LARGE = "The file is too large"


def _storage_roots() -> set[Path]:
    """MEDIA_ROOT, PRIVATE_MEDIA_ROOT and the location of every model FileField's storage."""
    from django.apps import apps
    from django.db import models

    roots = {Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                location = getattr(field.storage, "location", None)
                if location:
                    roots.add(Path(location))
    return roots


def _unwrapped(storage):
    """The storage behind a lazy proxy (default_storage, the private storage's proxy)."""
    from django.utils.functional import LazyObject, empty

    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        return storage._wrapped
    return storage


@pytest.fixture(autouse=True)
def _storages_in_tmp(tmp_path):
    """Every FileField storage writes under this test's tmp dir (the shared .test-media may be
    written by other test runs at the same time), so "nothing saved" can be checked on disk."""
    from django.apps import apps
    from django.core.files.storage import FileSystemStorage
    from django.db import models

    storages = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                storage = _unwrapped(field.storage)
                if isinstance(storage, FileSystemStorage):
                    storages[id(storage)] = storage
    saved = {}
    for index, storage in enumerate(storages.values()):
        saved[index] = (storage, dict(storage.__dict__))
        storage.__dict__["base_location"] = storage.__dict__["location"] = str(
            tmp_path / f"storage-{index}"
        )
    yield
    for storage, state in saved.values():
        storage.__dict__.clear()
        storage.__dict__.update(state)


def _files_on_disk() -> set[Path]:
    roots = _storage_roots()
    return {p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


# (name, rule giving the URL and its owner, URL name, file field, other POST data)
IMAGE_FORMS = [
    ("logo", "members:logo_edit", "logo", {}),
    ("award image", "awards:entry_images", "image", {"caption": "A photo"}),
    ("catalog image", "catalog:project_manage", "image", {"caption": "A photo"}),
]
DOCUMENT_FORMS = [
    ("award document", "awards:entry_documents", "file", {"title": "Report"}),
    ("initiative document", "health:initiative_manage", "file", {}),
]


def _post(world, url_name, field, data, upload):
    from django.urls import reverse

    case = RULES[url_name].build(world)
    client = Client()
    client.force_login(case.owners[0])
    before = _files_on_disk()
    started = time.monotonic()
    response = client.post(reverse(url_name, kwargs=case.kwargs), {**data, field: upload})
    return response, time.monotonic() - started, _files_on_disk() - before


@pytest.mark.parametrize(("name", "url_name", "field", "data"), IMAGE_FORMS)
def test_a_renamed_executable_is_refused_as_an_image(name, url_name, field, data, world):
    response, _, saved = _post(world, url_name, field, data, renamed_executable_upload())

    assert response.status_code in {200, 400}, name
    assert NOT_IMAGE in response.content.decode(), name
    assert saved == set(), name


@pytest.mark.parametrize(("name", "url_name", "field", "data"), IMAGE_FORMS)
def test_an_image_bomb_is_refused_before_it_is_decoded(
    name, url_name, field, data, world, monkeypatch
):
    def never_decode(self, *args, **kwargs):
        raise AssertionError("Pillow decoded the image bomb")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never_decode)

    response, seconds, saved = _post(world, url_name, field, data, image_bomb_upload())

    assert TOO_MANY_PIXELS in response.content.decode(), name
    assert seconds < 5, name
    assert saved == set(), name


@pytest.mark.parametrize(("name", "url_name", "field", "data"), IMAGE_FORMS)
def test_a_png_html_polyglot_is_re_encoded_so_no_html_remains(name, url_name, field, data, world):
    response, _, saved = _post(world, url_name, field, data, polyglot_upload())

    assert response.status_code == 302, name  # accepted, as the image it also is
    assert saved, name
    for path in saved:
        content = path.read_bytes()
        assert b"<script" not in content and b"<html" not in content, (name, path)


@pytest.mark.parametrize(("name", "url_name", "field", "data"), DOCUMENT_FORMS)
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: renamed_executable_upload("report.pdf"), NOT_PDF),
        (polyglot_upload, NOT_PDF),
        (lambda: pdf_upload(size=40_000), TOO_LARGE),
    ],
    ids=["renamed-executable", "polyglot", "oversized-pdf"],
)
def test_hostile_documents_are_refused(
    name, url_name, field, data, upload, message, world, settings
):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 20_000

    response, _, saved = _post(world, url_name, field, data, upload())

    assert response.status_code in {200, 400}, name
    assert message in response.content.decode(), name
    assert saved == set(), name


def test_the_membership_letter_refuses_an_oversized_pdf(db, settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 20_000
    before = _files_on_disk()

    response = Client().post("/join/", {"supporting_letter": pdf_upload(size=40_000)})

    assert TOO_LARGE in response.content.decode()
    assert _files_on_disk() == before


def test_the_health_template_upload_refuses_an_executable(world):
    client = Client()
    client.force_login(world.owner)
    upload = renamed_executable_upload("initiative.docx")

    response = client.post(
        "/portal/health/initiatives/from-template/",
        {"template": upload, "organization": world.org.pk},
    )

    assert response.status_code in {200, 400}
    assert "docx" in response.content.decode().lower()


APPS = ["members", "programs", "events", "awards", "health", "catalog", "accounts"]


def _upload_fields():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for attr in vars(module).values():
            if isinstance(attr, type) and issubclass(attr, forms.BaseForm):
                for field_name, field in attr.base_fields.items():
                    if isinstance(field, forms.FileField):
                        yield f"{app}.{attr.__name__}.{field_name}", field


def test_every_upload_field_has_a_content_validator():
    unchecked = [name for name, field in _upload_fields() if not field.validators]

    assert list(_upload_fields())
    assert unchecked == []


def test_a_valid_logo_still_goes_through(world):
    response, _, saved = _post(world, "members:logo_edit", "logo", {}, png_upload())

    assert response.status_code == 302
    assert saved


def _private_file_fields():
    from django.apps import apps
    from django.db import models

    from wego_portal.files import PrivateFileSystemStorage

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                storage = _unwrapped(field.storage)
                if isinstance(storage, PrivateFileSystemStorage):
                    yield f"{model._meta.label}.{field.name}", field


def test_private_files_never_expose_a_url():
    fields = dict(_private_file_fields())

    assert {
        "members.MembershipApplication.supporting_letter",
        "programs.ApplicationAttachment.file",
        "awards.EntryDocument.file",
        "health.InitiativeFile.file",
    } <= set(fields)
    for name, field in fields.items():
        with pytest.raises(ValueError, match="no public URL"):
            field.storage.url("any.pdf")
        assert name


def test_xml_in_utf16_without_a_bom_cannot_smuggle_a_dtd_past_the_check():
    from django.core.exceptions import ValidationError

    from health import docx

    hidden = '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'.encode("utf-16-le")

    with pytest.raises(ValidationError):
        docx._safe_xml(hidden)
