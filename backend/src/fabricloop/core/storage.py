"""Where uploaded files live: one interface, a local-disk implementation, and the choice
between implementations made once from the settings, so callers never know which one runs."""

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, BinaryIO, Protocol

from anyio import to_thread
from fastapi import Depends, Request
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
    """Stores objects by key. Implementations: LocalStorage; an S3-compatible one later."""

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


def create_storage(settings: Settings) -> Storage:
    """The storage the settings choose; a new backend is one more branch here."""
    if settings.storage_backend == "local":
        return LocalStorage(settings.media_path)
    raise ValueError(f"unknown storage backend {settings.storage_backend!r}")


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
