import io
import uuid
from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from PIL import Image as PILImage
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.images.models import Image
from fabricloop.images.upload import MAX_FILE_BYTES
from tests.asserts import assert_error
from tests.factories import auth_headers, make_user
from tests.images import samples
from tests.images.jobs import thumbnail_after_job

URL = "/api/images"
KEY_SHAPE = r"^/media/images/[0-9a-f]{2}/[0-9a-f]{32}(\.jpg|\.png|\.webp|-thumb\.webp)$"


def media_files(settings: Settings) -> set[Path]:
    return {p for p in settings.media_path.rglob("*") if p.is_file()}


async def image_count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(Image))).scalar_one()


@pytest.fixture
async def user(session: AsyncSession) -> User:
    return await make_user(session)


async def post_file(
    client: AsyncClient,
    user: User | None,
    data: bytes,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> Response:
    headers = auth_headers(user) if user else {}
    return await client.post(URL, files={"file": (filename, data, content_type)}, headers=headers)


class TestCreateImage:
    async def test_jpeg(self, client: AsyncClient, session: AsyncSession, user: User) -> None:
        response = await client.post(
            URL,
            files={"file": ("photo.jpg", samples.jpeg((800, 600)), "image/jpeg")},
            headers=auth_headers(user),
        )
        assert response.status_code == 201, response.text
        data = response.json()
        assert set(data) == {
            "image_id",
            "url",
            "thumbnail_url",
            "display_url",
            "width",
            "height",
            "content_type",
            "size_bytes",
        }
        assert (data["width"], data["height"], data["content_type"]) == (800, 600, "image/jpeg")
        assert data["url"].startswith("/media/images/")
        row = await session.get(Image, uuid.UUID(data["image_id"]))
        assert row is not None
        assert row.owner_id == user.id
        assert row.material_id is None
        assert row.size_bytes == data["size_bytes"]
        assert f"/media/{row.storage_key}" == data["url"]
        # Until the thumbnail job has run, the original is the thumbnail.
        assert row.thumbnail_status == "pending"
        assert data["thumbnail_url"] == data["url"]
        assert data["display_url"] == data["url"]

    @pytest.mark.parametrize(
        ("payload", "content_type", "extension"),
        [
            (samples.png(), "image/png", ".png"),
            (samples.png(mode="RGBA"), "image/png", ".png"),
            (samples.webp(), "image/webp", ".webp"),
            (samples.webp(mode="RGBA"), "image/webp", ".webp"),
            (samples.jpeg(), "image/jpeg", ".jpg"),
        ],
    )
    async def test_keeps_the_format(
        self,
        client: AsyncClient,
        user: User,
        payload: bytes,
        content_type: str,
        extension: str,
    ) -> None:
        response = await post_file(client, user, payload, "upload.bin", "application/octet-stream")
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["content_type"] == content_type
        assert data["url"].endswith(extension)
        served = await client.get(data["url"])
        assert served.status_code == 200
        assert served.headers["content-type"] == content_type
        assert samples.opened(served.content).size == (640, 480)
        assert len(served.content) == data["size_bytes"]

    async def test_served_with_type_nosniff_and_cache_headers(
        self, app: FastAPI, client: AsyncClient, session: AsyncSession, user: User
    ) -> None:
        data = (await post_file(client, user, samples.png(), "a.png", "image/png")).json()
        for url, content_type in [
            (data["url"], "image/png"),
            (await thumbnail_after_job(app, session, data), "image/webp"),
        ]:
            served = await client.get(url, headers={"Accept-Encoding": "gzip"})
            assert served.status_code == 200
            assert served.headers["content-type"] == content_type
            # Already compressed formats are not gzipped again.
            assert "content-encoding" not in served.headers
            assert served.headers["x-content-type-options"] == "nosniff"
            assert "immutable" in served.headers["cache-control"]
            assert served.headers["x-request-id"]

    async def test_unknown_media_is_a_json_404(self, client: AsyncClient) -> None:
        response = await client.get("/media/images/00/" + "0" * 32 + ".jpg")
        assert response.status_code == 404
        assert_error(response.json(), "not_found")
        assert response.headers["x-content-type-options"] == "nosniff"

    async def test_exif_and_gps_are_stripped(
        self, app: FastAPI, client: AsyncClient, session: AsyncSession, user: User
    ) -> None:
        original = samples.jpeg_with_gps()
        assert samples.gps_of(original) == samples.GPS
        with PILImage.open(io.BytesIO(original)) as before:
            assert "icc_profile" in before.info
            assert "comment" in before.info
        data = (await post_file(client, user, original)).json()
        stored = (await client.get(data["url"])).content
        assert samples.gps_of(stored) == {}
        with PILImage.open(io.BytesIO(stored)) as after:
            assert dict(after.getexif()) == {}
            assert not {"exif", "icc_profile", "comment", "xmp"} & set(after.info)
        assert b"Secret Phone" not in stored
        assert b"shot at home" not in stored
        thumbnail = (await client.get(await thumbnail_after_job(app, session, data))).content
        assert b"Secret Phone" not in thumbnail
        assert samples.gps_of(thumbnail) == {}

    async def test_png_text_and_profile_are_stripped(self, client: AsyncClient, user: User) -> None:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Author", "Jane Doe, 12 Secret Lane")
        payload = samples.png(pnginfo=info, icc_profile=b"\0" * 128)
        data = (await post_file(client, user, payload, "a.png", "image/png")).json()
        stored = (await client.get(data["url"])).content
        assert b"Secret Lane" not in stored
        assert not {"icc_profile", "Author"} & set(samples.opened(stored).info)

    async def test_exif_orientation_is_applied(self, client: AsyncClient, user: User) -> None:
        # Orientation 6: the camera was turned; the picture is shown rotated by 90 degrees.
        data = (await post_file(client, user, samples.jpeg_with_gps((640, 480), 6))).json()
        assert (data["width"], data["height"]) == (480, 640)
        stored = samples.opened((await client.get(data["url"])).content)
        assert stored.size == (480, 640)

    @pytest.mark.parametrize(
        ("size", "expected"),
        [
            ((1600, 1200), (400, 300)),
            ((900, 2400), (150, 400)),
            ((1000, 1000), (400, 400)),
            ((120, 80), (120, 80)),
        ],
    )
    async def test_thumbnail_longest_side_400(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        user: User,
        size: tuple[int, int],
        expected: tuple[int, int],
    ) -> None:
        data = (await post_file(client, user, samples.jpeg(size))).json()
        served = await client.get(await thumbnail_after_job(app, session, data))
        thumbnail = samples.opened(served.content)
        assert thumbnail.format == "WEBP"
        assert thumbnail.size == expected

    async def test_declared_gif_but_png_is_a_png(self, client: AsyncClient, user: User) -> None:
        response = await post_file(client, user, samples.png(), "cat.gif", "image/gif")
        assert response.status_code == 201
        assert response.json()["content_type"] == "image/png"

    async def test_stored_name_is_not_the_clients(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        user: User,
        settings: Settings,
    ) -> None:
        before = media_files(settings)
        response = await post_file(client, user, samples.png(), "holiday-photo.png", "image/png")
        data = response.json()
        assert "holiday" not in data["url"]
        assert "holiday" not in await thumbnail_after_job(app, session, data)
        new = media_files(settings) - before
        assert len(new) == 2
        assert all("holiday" not in path.name for path in new)
        assert data["url"] != (await post_file(client, user, samples.png())).json()["url"]

    @pytest.mark.parametrize(
        "filename",
        ["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a/../../../x.png", "ñ😀.png"],
    )
    async def test_hostile_filename_is_harmless(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        user: User,
        settings: Settings,
        filename: str,
    ) -> None:
        before = media_files(settings)
        response = await post_file(client, user, samples.png(), filename, "image/png")
        assert response.status_code == 201
        data = response.json()
        assert data["url"].count("/") == 4
        assert ".." not in data["url"]
        await thumbnail_after_job(app, session, data)
        new = media_files(settings) - before
        assert len(new) == 2
        assert all(path.is_relative_to(settings.media_path.resolve()) for path in new)

    async def test_mpo_from_a_phone_is_stored_as_jpeg(
        self, client: AsyncClient, user: User
    ) -> None:
        frames = [samples.gradient((320, 240)), samples.gradient((320, 240))]
        payload = samples.encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
        response = await post_file(client, user, payload)
        assert response.status_code == 201
        assert response.json()["content_type"] == "image/jpeg"


class TestCreateImageRefusals:
    @pytest.mark.parametrize(
        ("payload", "filename", "content_type"),
        [
            (b"just some text, not a picture\n" * 20, "photo.jpg", "image/jpeg"),
            (samples.gif(), "anim.gif", "image/gif"),
            (samples.gif(), "disguised.png", "image/png"),
            (samples.SVG, "logo.svg", "image/svg+xml"),
            (samples.SVG, "logo.png", "image/png"),
            (samples.encode(samples.gradient((32, 32)), "BMP"), "a.bmp", "image/bmp"),
            (samples.encode(samples.gradient((32, 32)), "TIFF"), "a.jpg", "image/jpeg"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.pdf", "application/pdf"),
            (b"", "empty.jpg", "image/jpeg"),
        ],
    )
    async def test_not_an_accepted_image_415(
        self,
        client: AsyncClient,
        session: AsyncSession,
        user: User,
        settings: Settings,
        payload: bytes,
        filename: str,
        content_type: str,
    ) -> None:
        before = media_files(settings)
        response = await post_file(client, user, payload, filename, content_type)
        assert response.status_code == 415
        assert_error(response.json(), "unsupported_media_type")
        assert await image_count(session) == 0
        assert media_files(settings) == before

    @pytest.mark.parametrize(
        "payload",
        [
            samples.jpeg((800, 600))[:3000],
            samples.png((800, 600))[:2000],
            samples.webp((800, 600))[:500],
            b"\xff\xd8\xff\xe0" + b"\0" * 200,
            b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
        ],
        ids=["jpeg", "png", "webp", "jpeg-header", "png-signature"],
    )
    async def test_truncated_or_corrupt_422(
        self,
        client: AsyncClient,
        session: AsyncSession,
        user: User,
        settings: Settings,
        payload: bytes,
    ) -> None:
        before = media_files(settings)
        response = await post_file(client, user, payload)
        assert response.status_code == 422
        assert_error(response.json(), "invalid_image")
        assert await image_count(session) == 0
        assert media_files(settings) == before

    async def test_png_with_bad_checksum_422(self, client: AsyncClient, user: User) -> None:
        payload = bytearray(samples.png((64, 64)))
        payload[30] ^= 0xFF  # inside IHDR: its CRC no longer matches
        response = await post_file(client, user, bytes(payload), "a.png", "image/png")
        assert response.status_code == 422
        assert_error(response.json(), "invalid_image")

    @pytest.mark.parametrize("size", [(10_000, 10_000), (8_000, 5_001), (100_000, 100_000)])
    async def test_bomb_header_422_before_decoding(
        self, client: AsyncClient, session: AsyncSession, user: User, size: tuple[int, int]
    ) -> None:
        payload = samples.png_header_only(*size)
        assert len(payload) < 200
        response = await post_file(client, user, payload, "tiny.png", "image/png")
        # Decoding the pixels would have failed as truncated (invalid_image): image_too_large
        # shows that the declared size was judged first.
        assert response.status_code == 422
        assert_error(response.json(), "image_too_large")
        assert await image_count(session) == 0

    async def test_exactly_40_megapixels_is_not_too_large(
        self, client: AsyncClient, user: User
    ) -> None:
        response = await post_file(client, user, samples.png_header_only(8_000, 5_000))
        assert response.status_code == 422
        assert_error(response.json(), "invalid_image")

    async def test_over_5_mib_413(
        self, client: AsyncClient, session: AsyncSession, user: User, settings: Settings
    ) -> None:
        before = media_files(settings)
        payload = samples.png() + b"\0" * (MAX_FILE_BYTES + 1 - len(samples.png()))
        assert len(payload) == MAX_FILE_BYTES + 1
        response = await post_file(client, user, payload, "big.png", "image/png")
        assert response.status_code == 413
        assert_error(response.json(), "payload_too_large")
        assert await image_count(session) == 0
        assert media_files(settings) == before

    async def test_exactly_5_mib_is_accepted(self, client: AsyncClient, user: User) -> None:
        image = samples.jpeg()
        # Bytes after a JPEG's end-of-image marker are ignored by decoders.
        payload = image + b"\0" * (MAX_FILE_BYTES - len(image))
        response = await post_file(client, user, payload)
        assert response.status_code == 201, response.text

    async def test_over_5_mib_streamed_without_length_413(
        self, client: AsyncClient, user: User
    ) -> None:
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            yield head
            for _ in range(200):  # 200 x 64 KiB = 12.5 MiB if it were all read
                sent += 1
                yield b"\xff" * 65536
            yield f"\r\n--{boundary}--\r\n".encode()

        response = await client.post(
            URL,
            content=body(),
            headers={
                **auth_headers(user),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        assert response.status_code == 413
        assert_error(response.json(), "payload_too_large")
        assert "content-length" not in response.request.headers
        # Refused as soon as the limit was passed, not after the whole body.
        assert sent < 90

    @pytest.mark.usefixtures("session")
    @pytest.mark.parametrize(
        ("declared", "reads"), [(str(50 * 1024 * 1024), 0), ("not-a-number", 82)]
    )
    async def test_declared_length_refused_before_reading(
        self, app: FastAPI, user: User, declared: str, reads: int
    ) -> None:
        token = auth_headers(user)["Authorization"].encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": URL,
            "raw_path": URL.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"authorization", token),
                (b"content-type", b"multipart/form-data; boundary=x"),
                (b"content-length", declared.encode()),
            ],
            "client": ("203.0.113.20", 1234),
            "server": ("testserver", 80),
        }
        received = 0
        messages: list[MutableMapping[str, Any]] = []

        head = b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n'

        async def receive() -> MutableMapping[str, Any]:
            nonlocal received
            received += 1
            body = head if received == 1 else b"\xff" * 65536
            return {"type": "http.request", "body": body, "more_body": True}

        async def send(message: MutableMapping[str, Any]) -> None:
            messages.append(message)

        await app(scope, receive, send)
        assert messages[0]["status"] == 413
        # A usable Content-Length is refused unread; otherwise the count of bytes decides.
        assert received == reads

    async def test_client_gone_mid_upload_is_not_a_server_error(
        self, app: FastAPI, session: AsyncSession, user: User, settings: Settings
    ) -> None:
        before = media_files(settings)
        head = b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n\xff\xd8\xff'
        messages: list[dict[str, object]] = [
            {"type": "http.request", "body": head, "more_body": True},
            {"type": "http.disconnect"},
        ]
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> MutableMapping[str, Any]:
            return messages.pop(0)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": URL,
            "raw_path": URL.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"authorization", auth_headers(user)["Authorization"].encode()),
                (b"content-type", b"multipart/form-data; boundary=x"),
            ],
            "client": ("203.0.113.21", 1234),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)
        assert sent[0]["status"] == 400
        assert await image_count(session) == 0
        assert media_files(settings) == before

    async def test_missing_file_field_422(self, client: AsyncClient, user: User) -> None:
        response = await client.post(
            URL,
            files={"picture": ("a.png", samples.png(), "image/png")},
            data={"note": "hello"},
            headers=auth_headers(user),
        )
        assert response.status_code == 422
        body = response.json()
        assert_error(body, "validation_error")
        assert body["error"]["details"][0]["field"] == "file"

    @pytest.mark.parametrize(
        "kwargs",
        [
            {},
            {"json": {"file": "aGVsbG8="}},
            {"data": {"file": "not a file"}},
            {"content": samples.png(), "headers": {"Content-Type": "image/png"}},
        ],
        ids=["no-body", "json", "urlencoded", "raw-image"],
    )
    async def test_not_multipart_422(
        self, client: AsyncClient, user: User, kwargs: dict[str, object]
    ) -> None:
        headers = {**auth_headers(user), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        response = await client.post(URL, headers=headers, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")

    async def test_malformed_multipart_400(self, client: AsyncClient, user: User) -> None:
        response = await client.post(
            URL,
            content=b"this is not multipart at all\r\n\r\n",
            headers={**auth_headers(user), "Content-Type": "multipart/form-data; boundary=zz"},
        )
        assert response.status_code == 400
        assert_error(response.json(), "bad_request")

    async def test_first_file_field_wins(self, client: AsyncClient, user: User) -> None:
        response = await client.post(
            URL,
            files=[
                ("file", ("a.png", samples.png((50, 40)), "image/png")),
                ("file", ("b.txt", b"second", "text/plain")),
            ],
            headers=auth_headers(user),
        )
        assert response.status_code == 201
        assert (response.json()["width"], response.json()["height"]) == (50, 40)

    async def test_anonymous_401(
        self, client: AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        before = media_files(settings)
        response = await post_file(client, None, samples.png(), "a.png", "image/png")
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")
        assert await image_count(session) == 0
        assert media_files(settings) == before

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
    async def test_bad_token_401(self, client: AsyncClient, token: str) -> None:
        response = await client.post(
            URL,
            files={"file": ("a.png", samples.png(), "image/png")},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401
        assert_error(response.json(), "unauthorized")

    async def test_deactivated_user_401(self, client: AsyncClient, session: AsyncSession) -> None:
        user = await make_user(session, is_active=False)
        response = await post_file(client, user, samples.png(), "a.png", "image/png")
        assert response.status_code == 401
        assert await image_count(session) == 0
