"""Static files, public and private media (local folders or S3 buckets), backups and upload limits."""

from ..environment import BASE_DIR, PRODUCTION, env

# --- Static and media files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Private uploads (application attachments, supporting letters) live outside MEDIA_ROOT and
# are only ever streamed by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "wego_portal.files.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_STATIC_MANIFEST", default=PRODUCTION)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Object storage (S3 or any S3-compatible server), switched on by AWS_STORAGE_BUCKET_NAME: the
# public bucket for media (logos, photos, news images; read by anyone, listed by nobody) and a
# separate private bucket (AWS_PRIVATE_STORAGE_BUCKET_NAME) for join letters, application
# attachments, award documents and Data Portal files, which only permission-checked views
# stream. Every web and worker node then sees the same files. `manage.py storage_buckets`
# creates the buckets and their access policies. Unset: the local folders above (`make run`).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_PRIVATE_STORAGE_BUCKET_NAME = env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
#: Where browsers fetch public media from, when not the bucket's own address (a CDN).
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
AWS_S3_URL_PROTOCOL = env.str("AWS_S3_URL_PROTOCOL", default="https:")
OBJECT_STORAGE = bool(AWS_STORAGE_BUCKET_NAME)


def s3_storages(
    *, public_bucket: str, private_bucket: str, endpoint_url: str = "", custom_domain: str = ""
) -> dict:
    """STORAGES entries for the public and the private bucket."""
    common = {
        "region_name": AWS_S3_REGION_NAME,
        "endpoint_url": endpoint_url or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": "path" if endpoint_url else None,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": public_bucket,
                "querystring_auth": False,
                "custom_domain": custom_domain or None,
                "url_protocol": AWS_S3_URL_PROTOCOL,
                "object_parameters": {"CacheControl": "public, max-age=86400"},
            },
        },
        "private": {
            "BACKEND": "wego_portal.files.PrivateS3Storage",
            "OPTIONS": {**common, "bucket_name": private_bucket, "querystring_auth": True},
        },
    }


def media_origin(endpoint_url: str, bucket: str, custom_domain: str = "") -> str:
    """The origin browsers load public media from (for the Content-Security-Policy)."""
    if custom_domain:
        return f"{AWS_S3_URL_PROTOCOL}//{custom_domain.split('/')[0]}"
    if endpoint_url:
        parts = endpoint_url.split("/")
        return "/".join(parts[:3])
    return f"https://{bucket}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"


MEDIA_ORIGIN = ""
if OBJECT_STORAGE:
    STORAGES.update(
        s3_storages(
            public_bucket=AWS_STORAGE_BUCKET_NAME,
            private_bucket=AWS_PRIVATE_STORAGE_BUCKET_NAME,
            endpoint_url=AWS_S3_ENDPOINT_URL,
            custom_domain=AWS_S3_CUSTOM_DOMAIN,
        )
    )
    MEDIA_ORIGIN = media_origin(AWS_S3_ENDPOINT_URL, AWS_STORAGE_BUCKET_NAME, AWS_S3_CUSTOM_DOMAIN)
# `manage.py backup`: where backups go and how many are kept (see README, "Backups").
BACKUP_DIR = env.str("BACKUP_DIR", default=str(BASE_DIR / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760


# --- Uploads -----------------------------------------------------------------------------------
MAX_IMAGE_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000
MAX_DOCUMENT_UPLOAD_BYTES = 10 * 1024 * 1024
