"""Backups and the restore drill (PostgreSQL and pg_dump needed; object storage on moto).

The drill: the WeGO data and the demo data (with its PDFs) plus a logo, backed up, restored by
another process into a new database and two new buckets, and compared table by table and file
by file, independently of the restore command's own check.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from psycopg import sql

from members.models import Organization
from tests.factories.members import OrganizationFactory
from tests.members.files import png_bytes
from wego_portal.backups import BackupError, backup_create, row_counts, verify_backup

ROOT = Path(__file__).resolve().parents[2]
DB = settings.DATABASES["default"]

pytestmark = [
    pytest.mark.skipif(
        DB["ENGINE"] != "django.db.backends.postgresql" or not shutil.which("pg_dump"),
        reason="needs PostgreSQL and pg_dump (CI has both; set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _connect(name: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(
        dbname=name,
        user=DB.get("USER") or None,
        password=DB.get("PASSWORD") or None,
        host=DB.get("HOST") or None,
        port=DB.get("PORT") or None,
        **kwargs,
    )


def _counts(name: str) -> dict[str, int]:
    with _connect(name) as conn, conn.cursor() as cursor:
        return row_counts(cursor)


def _bucket_checksums(client, bucket: str) -> dict[str, str]:
    result = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            result[item["Key"]] = hashlib.sha256(body).hexdigest()
    return result


@pytest.fixture
def drill_database():
    name = f"wego_drill_{uuid.uuid4().hex[:10]}"
    with _connect("postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _connect("postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _database_url(name: str) -> str:
    user = DB.get("USER") or "postgres"
    password = f":{DB['PASSWORD']}" if DB.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{DB.get('HOST') or '127.0.0.1'}:{DB.get('PORT') or 5432}/{name}"


def test_restore_drill_gives_identical_row_counts_and_file_checksums(
    object_storage, drill_database, tmp_path, settings
):
    settings.DEBUG = True  # the demo accounts are created only then
    quiet = io.StringIO()
    call_command("createcachetable")
    call_command("load_wego_data", stdout=quiet)
    call_command("demo_accounts", stdout=quiet)
    seoul = Organization.objects.order_by("pk").first()
    seoul.logo.save("drill.png", ContentFile(png_bytes(), name="drill.png"))

    out = io.StringIO()
    call_command("backup", to=str(tmp_path), keep=3, stdout=out)
    (folder,) = tmp_path.glob("wego-backup-*")
    manifest = json.loads((folder / "manifest.json").read_text())
    source_counts = _counts(DB["NAME"])
    assert manifest["database"]["tables"] == source_counts
    assert source_counts["members_organization"] > 100  # the WeGO data
    assert source_counts["accounts_user"] >= 3  # the demo accounts
    assert manifest["files"]["private"], "the demo data's PDFs are private files"
    assert manifest["files"]["default"], "the logo is a public file"

    suffix = uuid.uuid4().hex[:8]
    target = {"public": f"drill-media-{suffix}", "private": f"drill-private-{suffix}"}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wego_portal.settings",
        "DATABASE_URL": _database_url(drill_database),
        "AWS_STORAGE_BUCKET_NAME": target["public"],
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": target["private"],
        "AWS_S3_ENDPOINT_URL": object_storage["endpoint"],
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    for variable in ("REDIS_URL", "CACHE_URL"):
        env.pop(variable, None)
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "row counts and checksums equal" in restored.stdout

    assert _counts(drill_database) == source_counts
    s3 = boto3.client(
        "s3",
        endpoint_url=object_storage["endpoint"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    for kind in ("public", "private"):
        original = _bucket_checksums(s3, object_storage[kind])
        copy = _bucket_checksums(s3, target[kind])
        assert original, kind
        assert copy == original, kind


def test_restore_refuses_a_database_that_is_not_empty(object_storage, tmp_path):
    report = backup_create(target=tmp_path, keep=2)

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(report.folder), stdout=io.StringIO())


def test_a_damaged_backup_is_refused_and_retention_keeps_the_newest(object_storage, tmp_path):
    OrganizationFactory(name="Drill City", slug="drill-city")
    first = backup_create(target=tmp_path, keep=2)
    second = backup_create(target=tmp_path, keep=2)
    third = backup_create(target=tmp_path, keep=2)

    assert [p.name for p in sorted(tmp_path.glob("wego-backup-*"))] == [
        second.folder.name,
        third.folder.name,
    ]
    assert third.removed == [first.folder]
    manifest = json.loads((third.folder / "manifest.json").read_text())
    assert manifest["database"]["tables"]["members_organization"] == 1
    with (third.folder / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    with pytest.raises(BackupError, match="damaged"):
        verify_backup(third.folder, manifest)
