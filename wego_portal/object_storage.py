"""The object-storage buckets: created when missing, with the access each one must have.

- the public bucket (``STORAGES["default"]``): anyone may read an object by its address
  (``s3:GetObject``), nobody may list the bucket;
- the private bucket (``STORAGES["private"]``): public access blocked; only the portal's
  credentials read it, and the portal streams files after its permission checks.

Run by ``manage.py storage_buckets`` (idempotent) when a deployment starts.
"""

import contextlib
import json

from botocore.exceptions import ClientError
from django.core.files.storage import storages


def s3_bucket_of(alias: str):
    """``(client, bucket name)`` of an S3 storage alias, or ``None`` for a local folder."""
    storage = storages[alias]
    bucket_name = getattr(storage, "bucket_name", None)
    if not bucket_name:
        return None
    return storage.connection.meta.client, bucket_name  # type: ignore[attr-defined]  # an S3 storage (it has a bucket) has a boto3 connection


def _create(client, bucket: str) -> bool:
    try:
        client.head_bucket(Bucket=bucket)
        return False
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket", "NotFound"}:
            raise
    region = client.meta.region_name
    if region and region != "us-east-1":
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )
    else:
        client.create_bucket(Bucket=bucket)
    return True


def public_read_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadObjects",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def ensure_buckets() -> list[str]:
    """Create the missing buckets and set their access; returns what was done, in words."""
    done = []
    public = s3_bucket_of("default")
    private = s3_bucket_of("private")
    if public:
        client, bucket = public
        if _create(client, bucket):
            done.append(f"created public bucket {bucket}")
        client.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": False,
                "RestrictPublicBuckets": False,
            },
        )
        client.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
        done.append(f"public bucket {bucket}: objects readable by address, not listable")
    if private:
        client, bucket = private
        if _create(client, bucket):
            done.append(f"created private bucket {bucket}")
        client.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        with contextlib.suppress(ClientError):  # no policy set
            client.delete_bucket_policy(Bucket=bucket)
        done.append(f"private bucket {bucket}: public access blocked")
    return done
