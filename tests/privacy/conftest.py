"""The privacy tests store files in the moto S3 bucket, as STORAGE_BUCKET would."""

from __future__ import annotations

from typing import Any

import pytest


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
