"""Where media files live: one small interface, two real backends.

Keys are content-addressed (``ab/<sha256>/original.jpg``, ``ab/<sha256>/w640.webp``): the same
bytes always land under the same key, so a key's content never changes and every URL is served
with ``immutable`` caching. Keys are relative to ``Settings.media_base``, which is what URLs are
built on: ``/media`` of this API for local disk, the bucket's public URL (or a CDN) for S3.

Both backends take whole files from the upload's scratch directory and never hold a file in
memory; their blocking calls run in threads so the event loop keeps serving.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import anyio.to_thread

from app.core.errors import KhabarError
from app.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("khabar.media")

#: Every stored object's caching: content-addressed keys never change content.
IMMUTABLE = "public, max-age=31536000, immutable"


class StorageUnavailable(KhabarError):
    """The store refused or could not be reached; nothing was recorded."""

    status = 503
    code = "media-storage-unavailable"
    title = "Media storage unavailable"
    headers = {"Retry-After": "10"}  # noqa: RUF012


@contextmanager
def _answering_503(what: str, failures: tuple[type[Exception], ...]) -> Iterator[None]:
    """A store that fails is the client's 503 (the write rolls back), never a 500."""
    try:
        yield
    except failures as error:
        log.exception("media storage: %s failed", what)
        raise StorageUnavailable(f"The media store could not {what}; try again.") from error


class MediaStorage(Protocol):
    """Stores and removes files by key."""

    async def save(self, key: str, path: Path, content_type: str) -> None:
        """Store the file at ``path`` under ``key``, replacing what is there (a key is derived
        from the upload's bytes, so it is the same file made again).
        ``path`` may be moved away."""

    async def delete(self, keys: Sequence[str]) -> None:
        """Remove ``keys``; missing ones are not an error."""

    async def close(self) -> None: ...


class LocalStorage:
    """Files under ``root`` (``KHABAR_MEDIA_DIR``), served by the app at ``/media``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key escapes the media directory: {key!r}")
        return path

    async def save(self, key: str, path: Path, content_type: str) -> None:
        with _answering_503("store the files", (OSError,)):
            await anyio.to_thread.run_sync(self._save, key, path)

    def _save(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Same file system (the default layout): an atomic rename, no copy.
            os.replace(path, target)
        except OSError:
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(path, partial)
            os.replace(partial, target)

    async def delete(self, keys: Sequence[str]) -> None:
        with _answering_503("delete the files", (OSError,)):
            await anyio.to_thread.run_sync(self._delete, keys)

    def _delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            path = self._path(key)
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # the item's directory, once it is empty
            except OSError:
                pass

    async def close(self) -> None:
        return None


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph, R2…), written with boto3."""

    def __init__(self, settings: Settings) -> None:
        import boto3
        from boto3.exceptions import Boto3Error
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        self.failures: tuple[type[Exception], ...] = (Boto3Error, BotoCoreError, ClientError)

        assert settings.s3_bucket is not None
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix.strip("/") + "/" if settings.s3_prefix.strip("/") else ""
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key,
            config=Config(retries={"max_attempts": 4, "mode": "standard"}),
        )

    async def save(self, key: str, path: Path, content_type: str) -> None:
        extra: dict[str, Any] = {"ContentType": content_type, "CacheControl": IMMUTABLE}
        with _answering_503("store the files", self.failures):
            await anyio.to_thread.run_sync(
                lambda: self.client.upload_file(
                    str(path), self.bucket, self.prefix + key, ExtraArgs=extra
                )
            )

    async def delete(self, keys: Sequence[str]) -> None:
        with _answering_503("delete the files", self.failures):
            for start in range(0, len(keys), 1000):  # the API's batch limit
                await anyio.to_thread.run_sync(self._delete_batch, keys[start : start + 1000])

    def _delete_batch(self, keys: Sequence[str]) -> None:
        from botocore.exceptions import ClientError

        answer = self.client.delete_objects(
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": self.prefix + key} for key in keys], "Quiet": True},
        )
        for error in answer.get("Errors", []):
            # Per-object refusals come back in the answer, not as an exception.
            code, message = error.get("Code", "Unknown"), error.get("Message", "")
            raise ClientError({"Error": {"Code": code, "Message": message}}, "DeleteObjects")

    async def close(self) -> None:
        self.client.close()


def storage_from_settings(settings: Settings) -> MediaStorage:
    if settings.media_storage == "s3":
        return S3Storage(settings)
    return LocalStorage(settings.media_dir)
