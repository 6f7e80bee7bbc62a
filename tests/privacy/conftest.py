"""The privacy tests store files in the moto S3 bucket, as STORAGE_BUCKET would."""

from __future__ import annotations

from typing import Any

import pytest

from tests.servers.s3 import ACCESS_KEY, REGION, SECRET_KEY


@pytest.fixture
def s3_storage(settings: Any, s3_server: Any, s3_bucket: str) -> str:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": s3_bucket,
                "endpoint_url": s3_server.endpoint_url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return s3_bucket


def bucket_objects(s3_server: Any, bucket: str) -> dict[str, bytes]:
    client = s3_server.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture
def role_user(django_user_model: Any) -> Any:
    """``role_user("operator")``: a user in that role's group (not staff, not superuser)."""
    from django.contrib.auth.models import Group

    def make(role: str, **fields: Any) -> Any:
        user = django_user_model.objects.create_user(
            f"{role}-user", password="pw-Role-123", **fields
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make
