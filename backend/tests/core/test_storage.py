import io
from pathlib import Path

import pytest

from fabricloop.config import Settings
from fabricloop.core.storage import InvalidKey, LocalStorage, check_key, create_storage


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


class TestLocalStorage:
    async def test_save_read_url_delete(self, storage: LocalStorage) -> None:
        await storage.save("images/ab/abc.jpg", b"\xff\xd8data", "image/jpeg")
        assert await storage.read("images/ab/abc.jpg") == b"\xff\xd8data"
        assert storage.url("images/ab/abc.jpg") == "/media/images/ab/abc.jpg"
        await storage.delete("images/ab/abc.jpg")
        assert not storage.path("images/ab/abc.jpg").exists()
        await storage.delete("images/ab/abc.jpg")  # deleting twice is harmless

    async def test_save_from_a_file(self, storage: LocalStorage) -> None:
        await storage.save("a/b.png", io.BytesIO(b"x" * 100_000), "image/png")
        assert await storage.read("a/b.png") == b"x" * 100_000

    async def test_overwrite_leaves_no_temporary_files(self, storage: LocalStorage) -> None:
        await storage.save("a/b.png", b"one", "image/png")
        await storage.save("a/b.png", b"two", "image/png")
        assert [p.name for p in storage.path("a/b.png").parent.iterdir()] == ["b.png"]
        assert await storage.read("a/b.png") == b"two"

    async def test_failed_write_leaves_nothing(self, storage: LocalStorage) -> None:
        class Broken(io.BytesIO):
            def read(self, size: int | None = -1) -> bytes:  # noqa: ARG002
                raise OSError("disk went away")

        with pytest.raises(OSError, match="disk went away"):
            await storage.save("a/broken.png", Broken(), "image/png")
        assert list(storage.path("a/broken.png").parent.iterdir()) == []

    async def test_read_missing_raises(self, storage: LocalStorage) -> None:
        with pytest.raises(FileNotFoundError):
            await storage.read("a/missing.png")

    @pytest.mark.parametrize(
        "key",
        [
            "../escape.png",
            "a/../../escape.png",
            "/etc/passwd.png",
            "a//b.png",
            "a/.hidden.png",
            "A/UPPER.png",
            "a/b",
            "a\\b.png",
            "a/b.png\x00.jpg",
            "",
            "a/" + "b" * 200 + ".png",
        ],
    )
    async def test_refuses_keys_outside_the_root(self, storage: LocalStorage, key: str) -> None:
        with pytest.raises(InvalidKey):
            check_key(key)
        with pytest.raises(InvalidKey):
            await storage.save(key, b"x", "image/png")
        with pytest.raises(InvalidKey):
            storage.url(key)
        assert not storage.root.exists() or not any(storage.root.rglob("*"))


def test_settings_choose_the_backend(settings: Settings) -> None:
    storage = create_storage(settings)
    assert isinstance(storage, LocalStorage)
    assert storage.root == settings.media_path
    unknown = settings.model_copy(update={"storage_backend": "s3"})
    with pytest.raises(ValueError, match="s3"):
        create_storage(unknown)
