"""Backups and restores: a consistent PostgreSQL dump plus every stored file, with a manifest.

A backup is a folder ``wego-backup-<UTC time>`` holding:

- ``database.dump``: ``pg_dump -Fc`` of the whole database;
- ``files/default/...`` and ``files/private/...``: a copy of every object of the public media
  storage and of the private storage (local folders or buckets alike);
- ``manifest.json``: the dump's SHA-256, the row count of every table *in the dump's own
  snapshot* (the counts and ``pg_dump`` share one exported snapshot), and every file's size and
  SHA-256.

``restore`` refuses a damaged backup (any checksum differs) and a database or storage that is
not empty, restores with ``pg_restore``, uploads the files, then compares the row counts and
the file checksums with the manifest and fails loudly on any difference.
"""

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from psycopg import sql

FORMAT = 1
PREFIX = "wego-backup-"
STORAGE_ALIASES = ("default", "private")
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


# --- Database ------------------------------------------------------------------------------------


def _database() -> dict:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL).")
    return db


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _connect(db: dict, **kwargs) -> psycopg.Connection:
    return psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        **kwargs,
    )


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def row_counts(cursor) -> dict[str, int]:
    """Exact row count of every table of the public schema."""
    counts = {}
    for table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def dump_database(target: Path) -> dict[str, int]:
    """``pg_dump -Fc`` into ``target``; returns the row counts of the same snapshot."""
    db = _database()
    with _connect(db) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor)
            # The transaction stays open while pg_dump reads the exported snapshot.
            subprocess.run(  # noqa: S603
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    *_pg_args(db),
                    db["NAME"],
                ],
                env=_pg_env(db),
                check=True,
            )
        conn.rollback()
    return counts


def restore_database(dump: Path) -> None:
    db = _database()
    with _connect(db) as conn, conn.cursor() as cursor:
        if tables := _tables(cursor):
            raise BackupError(
                f"The database {db['NAME']} is not empty ({len(tables)} tables): restore only "
                "into a new, empty database."
            )
    subprocess.run(  # noqa: S603
        [
            shutil.which("pg_restore") or "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={db['NAME']}",
            *_pg_args(db),
            str(dump),
        ],
        env=_pg_env(db),
        check=True,
    )


def current_row_counts() -> dict[str, int]:
    with _connect(_database()) as conn, conn.cursor() as cursor:
        return row_counts(cursor)


# --- Files ---------------------------------------------------------------------------------------


def stored_names(alias: str) -> list[str]:
    """Every file name in a storage (a local folder or a bucket)."""
    storage = storages[alias]
    if getattr(storage, "bucket_name", None):
        prefix = (storage.location or "").strip("/")
        names = []
        for obj in storage.bucket.objects.filter(Prefix=f"{prefix}/" if prefix else ""):
            names.append(obj.key[len(prefix) + 1 :] if prefix else obj.key)
        return sorted(names)
    root = Path(storage.location)
    if not root.is_dir():
        return []
    return sorted(
        str(path.relative_to(root)).replace(os.sep, "/")
        for path in root.rglob("*")
        if path.is_file()
    )


def _sha256_stream(stream, copy_to=None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_stream(handle)[0]


def stored_checksums(alias: str) -> dict[str, dict]:
    storage = storages[alias]
    result = {}
    for name in stored_names(alias):
        with storage.open(name, "rb") as handle:
            digest, size = _sha256_stream(handle)
        result[name] = {"sha256": digest, "size": size}
    return result


def _safe_relative(name: str) -> Path:
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"Refusing a file name outside the storage: {name!r}")
    return path


# --- Backup and restore --------------------------------------------------------------------------


@dataclass
class BackupReport:
    folder: Path
    tables: int
    rows: int
    files: dict[str, int] = field(default_factory=dict)
    removed: list[Path] = field(default_factory=list)


def backup_create(*, target: Path, keep: int) -> BackupReport:
    """Write a backup folder under ``target`` and keep only the newest ``keep`` backups.

    Side effects: runs ``pg_dump``; reads every stored file; deletes older backup folders.
    """
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = target / f"{PREFIX}{stamp}"
    partial = target / f".{PREFIX}{stamp}.partial"
    partial.mkdir()
    try:
        counts = dump_database(partial / "database.dump")
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "database": {
                "file": "database.dump",
                "sha256": sha256_file(partial / "database.dump"),
                "tables": counts,
            },
            "files": {},
        }
        for alias in STORAGE_ALIASES:
            storage = storages[alias]
            entries = {}
            for name in stored_names(alias):
                destination = partial / "files" / alias / _safe_relative(name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with storage.open(name, "rb") as source, destination.open("wb") as copy:
                    digest, size = _sha256_stream(source, copy_to=copy)
                entries[name] = {"sha256": digest, "size": size}
            manifest["files"][alias] = entries
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    removed = prune_backups(target=target, keep=keep)
    return BackupReport(
        folder=folder,
        tables=len(counts),
        rows=sum(counts.values()),
        files={alias: len(entries) for alias, entries in manifest["files"].items()},
        removed=removed,
    )


def prune_backups(*, target: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` complete backups in ``target``."""
    backups = sorted(
        path
        for path in target.glob(f"{PREFIX}*")
        if path.is_dir() and (path / "manifest.json").is_file()
    )
    doomed = backups[: max(0, len(backups) - max(keep, 1))]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def load_manifest(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify_backup(folder: Path, manifest: dict) -> None:
    """Every checksum of the backup folder matches its manifest."""
    problems = []
    if sha256_file(folder / manifest["database"]["file"]) != manifest["database"]["sha256"]:
        problems.append("database.dump")
    for alias, entries in manifest["files"].items():
        for name, entry in entries.items():
            path = folder / "files" / alias / _safe_relative(name)
            if not path.is_file() or sha256_file(path) != entry["sha256"]:
                problems.append(f"{alias}/{name}")
    if problems:
        raise BackupError(f"The backup is damaged: {', '.join(problems[:10])}")


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: dict[str, int]


def compare_with_manifest(manifest: dict) -> list[str]:
    """Differences between the restored database and storages and the manifest."""
    differences = []
    counts = current_row_counts()
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            differences.append(f"table {table}: {counts.get(table)} rows, expected {expected}")
    for table in set(counts) - set(manifest["database"]["tables"]):
        differences.append(f"table {table} is not in the backup")
    for alias, entries in manifest["files"].items():
        present = stored_checksums(alias)
        for name, entry in entries.items():
            if present.get(name, {}).get("sha256") != entry["sha256"]:
                differences.append(f"file {alias}/{name} missing or different")
        for name in set(present) - set(entries):
            differences.append(f"file {alias}/{name} is not in the backup")
    return differences


def backup_restore(*, folder: Path) -> RestoreReport:
    """Restore a backup into the (empty) database and the (empty) storages, then verify.

    Side effects: creates the buckets when missing; runs ``pg_restore``; uploads every file.
    """
    from wego_portal.object_storage import ensure_buckets

    manifest = load_manifest(folder)
    verify_backup(folder, manifest)
    ensure_buckets()
    for alias in STORAGE_ALIASES:
        if stored_names(alias):
            raise BackupError(f"The {alias} storage is not empty: restore only into empty storage.")
    restore_database(folder / manifest["database"]["file"])
    connection.close()
    for alias, entries in manifest["files"].items():
        storage = storages[alias]
        for name in entries:
            with (folder / "files" / alias / _safe_relative(name)).open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{alias}/{name} was stored as {saved}")
    if differences := compare_with_manifest(manifest):
        raise BackupError("Restored data differs from the backup: " + "; ".join(differences[:20]))
    return RestoreReport(
        tables=len(manifest["database"]["tables"]),
        rows=sum(manifest["database"]["tables"].values()),
        files={alias: len(entries) for alias, entries in manifest["files"].items()},
    )
