"""Where uploaded files live: one interface, a local-disk implementation, and the choice
between implementations made once from the settings, so callers never know which one runs."""

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, BinaryIO, Protocol
from urllib.parse import urlsplit

import obstore
import obstore.exceptions
from anyio import to_thread
from fastapi import Depends, Request
from obstore.store import S3Store
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from fabricloop.config import Settings

# Keys are chosen by the server, but they are still checked: a key is a relative path of
# safe segments, so no key can ever name a file outside the storage root.
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\.[a-z0-9]{1,5}$")
MEDIA_PREFIX = "/media"
# Stored objects never change (a new upload gets a new random key), so caches may keep them.
IMMUTABLE = "public, max-age=31536000, immutable"


class InvalidKey(ValueError):
    pass


def check_key(key: str) -> str:
    if len(key) > 200 or not KEY_PATTERN.match(key):
        raise InvalidKey(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    """Stores objects by key. Implementations: LocalStorage, S3Storage."""

    async def save(self, key: str, data: bytes | BinaryIO, content_type: str) -> None: ...

    async def read(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str:
        """The public URL (a path under /media/ for local disk, a CDN URL for S3)."""
        ...


class LocalStorage:
    """Files under a directory, served by the app at /media (see MediaFiles)."""

    def __init__(self, root: Path, base_url: str = MEDIA_PREFIX) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def save(
        self,
        key: str,
        data: bytes | BinaryIO,
        content_type: str,  # noqa: ARG002 - the Storage protocol's: object stores keep it
    ) -> None:
        await to_thread.run_sync(self._write, self.path(key), data)

    @staticmethod
    def _write(target: Path, data: bytes | BinaryIO) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def read(self, key: str) -> bytes:
        return await to_thread.run_sync(self.path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await to_thread.run_sync(lambda: self.path(key).unlink(missing_ok=True))

    def url(self, key: str) -> str:
        return f"{self.base_url}/{check_key(key)}"


class S3Storage:
    """Objects in an S3-compatible bucket under a prefix (obstore; docs/decisions/storage-s3.md),
    served from the bucket's public URL or a CDN in front of it (`S3_PUBLIC_URL`). Credentials
    come from the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...)."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        *,
        endpoint: str | None,
        region: str,
        public_url: str | None,
    ) -> None:
        self.prefix = prefix.strip("/")
        options: dict[str, str] = {"region": region}
        if endpoint is not None:
            options["endpoint"] = endpoint
        self.store = S3Store(
            bucket,
            prefix=self.prefix or None,
            client_options={"allow_http": bool(endpoint and endpoint.startswith("http://"))},
            **options,  # type: ignore[arg-type]
        )
        if public_url is None:
            root = (
                f"{endpoint.rstrip('/')}/{bucket}"
                if endpoint
                else (f"https://{bucket}.s3.{region}.amazonaws.com")
            )
            public_url = f"{root}/{self.prefix}" if self.prefix else root
        self.base_url = public_url.rstrip("/")

    async def save(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        body = data if isinstance(data, bytes) else await to_thread.run_sync(data.read)
        await obstore.put_async(
            self.store,
            check_key(key),
            body,
            attributes={"Content-Type": content_type, "Cache-Control": IMMUTABLE},
        )

    async def read(self, key: str) -> bytes:
        result = await obstore.get_async(self.store, check_key(key))
        return bytes(await result.bytes_async())

    async def delete(self, key: str) -> None:
        # S3 deletes are idempotent: a missing object is no error.
        await obstore.delete_async(self.store, check_key(key))

    def url(self, key: str) -> str:
        return f"{self.base_url}/{check_key(key)}"


async def read_if_present(storage: Storage, key: str) -> bytes | None:
    """The object at `key`, or None when there is none (on either implementation)."""
    try:
        return await storage.read(key)
    except (FileNotFoundError, obstore.exceptions.NotFoundError):
        return None


def parse_storage_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket[/prefix]`."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("must be an s3://bucket[/prefix] URL")
    return parts.netloc, parts.path.strip("/")


def _s3(settings: Settings, url: str, public_url: str | None) -> S3Storage:
    bucket, prefix = parse_storage_url(url)
    return S3Storage(
        bucket,
        prefix,
        endpoint=settings.s3_endpoint_url,
        region=settings.s3_region,
        public_url=public_url,
    )


def create_storage(settings: Settings) -> Storage:
    """The storage the settings choose: S3 when STORAGE_URL is set, else the local directory."""
    if settings.storage_url is not None:
        return _s3(settings, settings.storage_url, settings.s3_public_url)
    if settings.storage_backend == "local":
        return LocalStorage(settings.media_path)
    raise ValueError(f"unknown storage backend {settings.storage_backend!r}")


def create_private_storage(settings: Settings) -> Storage:
    """Where files only their owner may read are kept: PRIVATE_STORAGE_URL (S3, on the same
    endpoint as STORAGE_URL) or the local PRIVATE_DIR, which no route serves as it is. Their
    `url()` is never given out; they are read back through `read()`."""
    if settings.private_storage_url is not None:
        return _s3(settings, settings.private_storage_url, None)
    return LocalStorage(settings.private_path, base_url="/private-not-served")


class MediaFiles(StaticFiles):
    """StaticFiles for /media with long cache lifetimes (objects are immutable)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"cache-control", IMMUTABLE.encode()),
                ]
            await send(message)

        await super().__call__(scope, receive, send_with_cache)


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


AppStorage = Annotated[Storage, Depends(get_storage)]


async def get_private_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.private_storage
    return storage


AppPrivateStorage = Annotated[Storage, Depends(get_private_storage)]
