"""POST /api/documents and GET /api/documents/{id}: what is accepted (a real PDF, or an image
the images domain accepts), what is refused and how, and who may read a document back."""

import io
import uuid
from pathlib import Path

import pytest
from httpx import AsyncClient, Response
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.config import Settings
from fabricloop.documents.models import UploadedDocument
from fabricloop.documents.service import MAX_FILE_BYTES, _clean_filename
from tests.asserts import assert_error
from tests.factories import auth_headers, make_admin, make_pdf, make_user
from tests.images import samples

URL = "/api/documents"


@pytest.fixture
async def owner(session: AsyncSession) -> User:
    return await make_user(session)


async def upload(
    client: AsyncClient,
    user: User | None,
    data: bytes,
    filename: str = "certificate.pdf",
    content_type: str = "application/pdf",
) -> Response:
    headers = auth_headers(user) if user else {}
    return await client.post(URL, files={"file": (filename, data, content_type)}, headers=headers)


async def count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(UploadedDocument))).scalar_one()


def private_files(settings: Settings) -> set[Path]:
    return {p for p in settings.private_path.rglob("*") if p.is_file()}


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class TestUpload:
    async def test_pdf_is_stored_as_uploaded_and_private(
        self, client: AsyncClient, session: AsyncSession, settings: Settings, owner: User
    ) -> None:
        pdf = make_pdf(pages=2)
        response = await upload(client, owner, pdf)
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["content_type"] == "application/pdf"
        assert (data["page_count"], data["size_bytes"]) == (2, len(pdf))
        assert data["filename"] == "certificate.pdf"
        assert data["download_url"] == f"{URL}/{data['document_id']}"
        row = await session.get(UploadedDocument, uuid.UUID(data["document_id"]))
        assert row is not None
        assert row.owner_id == owner.id
        # Kept outside the public media directory, under a name the server chose.
        stored = settings.private_path / row.storage_key
        assert stored.read_bytes() == pdf
        assert "certificate" not in row.storage_key
        assert not (settings.media_path / row.storage_key).exists()
        assert (await client.get(f"/media/{row.storage_key}")).status_code == 404

    async def test_owner_downloads_it(self, client: AsyncClient, owner: User) -> None:
        pdf = make_pdf()
        created = (await upload(client, owner, pdf)).json()
        response = await client.get(created["download_url"], headers=auth_headers(owner))
        assert response.status_code == 200
        assert response.content == pdf
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert "no-store" in response.headers["cache-control"]

    async def test_image_is_checked_and_reencoded(self, client: AsyncClient, owner: User) -> None:
        response = await upload(
            client, owner, samples.jpeg_with_gps((320, 200)), "scan.jpg", "image/jpeg"
        )
        assert response.status_code == 201, response.text
        data = response.json()
        assert (data["content_type"], data["page_count"]) == ("image/jpeg", None)
        body = (await client.get(data["download_url"], headers=auth_headers(owner))).content
        assert samples.gps_of(body) == {}  # metadata removed, as POST /api/images does
        assert samples.opened(body).size == (320, 200)

    async def test_the_declared_type_is_ignored(self, client: AsyncClient, owner: User) -> None:
        response = await upload(client, owner, samples.png((40, 40)), "x.pdf", "application/pdf")
        assert response.status_code == 201
        assert response.json()["content_type"] == "image/png"

    async def test_filename_is_cleaned(self, client: AsyncClient, owner: User) -> None:
        response = await upload(client, owner, make_pdf(), "..\\..\\etc/Zertifikat ü.pdf")
        assert response.status_code == 201, response.text
        assert response.json()["filename"] == "Zertifikat ü.pdf"
        # Control characters (a client that does not percent-encode them) are dropped.
        assert _clean_filename("a\x00b\x01c\u202e.pdf") == "abc.pdf"
        assert _clean_filename(" / ") is None


class TestRefused:
    @pytest.mark.parametrize(
        ("data", "content_type"),
        [
            (b"Just some text, certainly not a certificate.\n", "application/pdf"),
            (samples.gif(), "image/gif"),
            (b"PK\x03\x04" + b"\x00" * 200, "application/zip"),
            (b"\x00" * 64, "application/octet-stream"),
        ],
        ids=["text", "gif", "zip", "zeros"],
    )
    async def test_not_a_pdf_or_image_is_415(
        self,
        client: AsyncClient,
        session: AsyncSession,
        settings: Settings,
        owner: User,
        data: bytes,
        content_type: str,
    ) -> None:
        before, files = await count(session), private_files(settings)
        response = await upload(client, owner, data, "file.pdf", content_type)
        assert response.status_code == 415
        assert_error(response.json(), "unsupported_media_type")
        assert await count(session) == before
        assert private_files(settings) == files

    @pytest.mark.parametrize(
        "data",
        [
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ngarbage",
            make_pdf()[:300],
            b"%PDF-1.4\n%%EOF\n",
        ],
        ids=["no-xref", "truncated", "empty"],
    )
    async def test_broken_pdf_is_422(
        self, client: AsyncClient, session: AsyncSession, owner: User, data: bytes
    ) -> None:
        before = await count(session)
        response = await upload(client, owner, data)
        assert response.status_code == 422
        assert_error(response.json(), "invalid_document")
        assert await count(session) == before

    async def test_encrypted_pdf_is_422(self, client: AsyncClient, owner: User) -> None:
        response = await upload(client, owner, encrypted_pdf())
        assert response.status_code == 422
        assert_error(response.json(), "encrypted_document")

    async def test_corrupt_image_is_422(self, client: AsyncClient, owner: User) -> None:
        response = await upload(client, owner, samples.png((64, 64))[:80], "a.png", "image/png")
        assert response.status_code == 422
        assert_error(response.json(), "invalid_image")

    async def test_over_10_mb_is_413(
        self, client: AsyncClient, session: AsyncSession, owner: User
    ) -> None:
        pdf = make_pdf()
        # A valid PDF padded past the cap (a comment after %%EOF is ignored by readers).
        oversized = pdf + b"%" + b"x" * (MAX_FILE_BYTES - len(pdf))
        assert len(oversized) == MAX_FILE_BYTES + 1
        before = await count(session)
        response = await upload(client, owner, oversized)
        assert response.status_code == 413
        assert_error(response.json(), "payload_too_large")
        assert await count(session) == before

    async def test_a_file_of_exactly_10_mb_is_accepted(
        self, client: AsyncClient, owner: User
    ) -> None:
        pdf = make_pdf()
        padded = pdf + b"%" + b"x" * (MAX_FILE_BYTES - len(pdf) - 1)
        assert len(padded) == MAX_FILE_BYTES
        response = await upload(client, owner, padded)
        assert response.status_code == 201, response.text

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await upload(client, None, make_pdf())
        assert response.status_code == 401

    async def test_missing_file_field_is_422(self, client: AsyncClient, owner: User) -> None:
        response = await client.post(
            URL,
            files={"other": ("a.pdf", make_pdf(), "application/pdf")},
            headers=auth_headers(owner),
        )
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")

    async def test_json_body_is_422(self, client: AsyncClient, owner: User) -> None:
        response = await client.post(URL, json={"file": "x"}, headers=auth_headers(owner))
        assert response.status_code == 422


class TestDownload:
    async def test_others_get_404(
        self, client: AsyncClient, session: AsyncSession, owner: User
    ) -> None:
        created = (await upload(client, owner, make_pdf())).json()
        stranger = await make_user(session, role="brand")
        response = await client.get(created["download_url"], headers=auth_headers(stranger))
        assert response.status_code == 404
        assert_error(response.json(), "not_found")

    async def test_an_operator_reads_any(
        self, client: AsyncClient, session: AsyncSession, owner: User
    ) -> None:
        pdf = make_pdf()
        created = (await upload(client, owner, pdf)).json()
        admin = await make_admin(session)
        response = await client.get(created["download_url"], headers=auth_headers(admin))
        assert response.status_code == 200
        assert response.content == pdf

    async def test_unknown_is_404_and_anonymous_401(self, client: AsyncClient, owner: User) -> None:
        unknown = await client.get(f"{URL}/{uuid.uuid4()}", headers=auth_headers(owner))
        assert unknown.status_code == 404
        assert (await client.get(f"{URL}/{uuid.uuid4()}")).status_code == 401
        bad = await client.get(f"{URL}/not-a-uuid", headers=auth_headers(owner))
        assert bad.status_code == 404
