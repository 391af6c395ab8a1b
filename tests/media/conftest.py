"""Media storage for the upload tests: every test that takes ``stored`` runs once with local
disk and once with S3 (moto's standalone server on loopback), on each database backend."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from fastapi import FastAPI

from app.core.settings import Settings, get_settings
from app.media.editing import MediaServices
from app.media.storage import MediaStorage, S3Storage
from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, moto_server


@dataclass
class Stored:
    """What the app stored, read back from the store itself."""

    kind: str
    settings: Settings
    read: Callable[[str], bytes]
    keys: Callable[[], set[str]]


@contextmanager
def media_with(
    app: FastAPI, settings: Settings, storage: MediaStorage | None = None
) -> Iterator[None]:
    """The app's media services with other settings (and storage) for the block."""
    original: MediaServices = app.state.media
    app.state.media = MediaServices(settings, storage or original.storage, original.processor)
    try:
        yield
    finally:
        app.state.media = original


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


def _local(settings: Settings) -> Stored:
    root = settings.media_dir

    def keys() -> set[str]:
        return {
            path.relative_to(root).as_posix() for path in Path(root).rglob("*") if path.is_file()
        }

    return Stored("local", settings, lambda key: (root / key).read_bytes(), keys)


@pytest.fixture(params=["local", "s3"])
async def stored(request: pytest.FixtureRequest, app: FastAPI) -> AsyncIterator[Stored]:
    if request.param == "local":
        yield _local(app.state.media.settings)
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"khabar-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    client.create_bucket(Bucket=bucket)
    env = {
        "KHABAR_MEDIA_STORAGE": "s3",
        "KHABAR_S3_BUCKET": bucket,
        "KHABAR_S3_ENDPOINT_URL": endpoint,
        "KHABAR_S3_REGION": REGION,
        "KHABAR_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "KHABAR_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "KHABAR_S3_PREFIX": "media/",
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    get_settings.cache_clear()
    settings = get_settings()  # media URLs are resolved from these while the test runs
    storage = S3Storage(settings)

    def read(key: str) -> bytes:
        return client.get_object(Bucket=bucket, Key=f"media/{key}")["Body"].read()

    def keys() -> set[str]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {item["Key"].removeprefix("media/") for item in listed}

    try:
        with media_with(app, settings, storage):
            yield Stored("s3", settings, read, keys)
    finally:
        await storage.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
