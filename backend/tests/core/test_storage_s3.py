"""S3Storage against a real S3-protocol server (moto's server mode on a local port, started
here): the same operations the local directory passes, the objects' headers, the public URLs,
and the image upload going through it."""

import json
import uuid
from collections.abc import AsyncIterator, Iterator

import boto3
import httpx
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from moto.server import ThreadedMotoServer
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.config import Settings
from fabricloop.core.storage import InvalidKey, S3Storage, create_storage, parse_storage_url
from tests.factories import auth_headers, make_user
from tests.images import samples
from tests.images.jobs import thumbnail_after_job

BUCKET = "fabricloop-test"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "fabricloop-test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "fabricloop-test-secret")
        admin = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        admin.create_bucket(Bucket=BUCKET)
        # Public-read, as deployments set the bucket up (docs/deployment.md, compose.yaml).
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/*",
                }
            ],
        }
        admin.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture
def storage(s3_endpoint: str) -> S3Storage:
    prefix = f"media-{uuid.uuid4().hex[:8]}"
    return S3Storage(BUCKET, prefix, endpoint=s3_endpoint, region="us-east-1", public_url=None)


class TestS3Storage:
    async def test_save_read_url_delete(self, storage: S3Storage, s3_endpoint: str) -> None:
        await storage.save("images/ab/photo.webp", b"webp bytes", "image/webp")
        assert await storage.read("images/ab/photo.webp") == b"webp bytes"
        url = storage.url("images/ab/photo.webp")
        assert url == f"{s3_endpoint}/{BUCKET}/{storage.prefix}/images/ab/photo.webp"
        async with httpx.AsyncClient() as http:
            served = await http.get(url)
        assert served.status_code == 200
        assert served.content == b"webp bytes"
        assert served.headers["content-type"] == "image/webp"
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        await storage.delete("images/ab/photo.webp")
        with pytest.raises(FileNotFoundError):
            await storage.read("images/ab/photo.webp")
        # Deleting what is gone is no error (a retried purge).
        await storage.delete("images/ab/photo.webp")

    async def test_save_from_a_file(self, storage: S3Storage) -> None:
        import io

        await storage.save("docs/cert.pdf", io.BytesIO(b"%PDF-1.7"), "application/pdf")
        assert await storage.read("docs/cert.pdf") == b"%PDF-1.7"

    async def test_overwrite(self, storage: S3Storage) -> None:
        await storage.save("a/x.png", b"one", "image/png")
        await storage.save("a/x.png", b"two", "image/png")
        assert await storage.read("a/x.png") == b"two"

    @pytest.mark.parametrize("key", ["../escape.png", "/abs.png", "a//b.png", "UPPER.png", ""])
    async def test_refuses_bad_keys(self, storage: S3Storage, key: str) -> None:
        with pytest.raises(InvalidKey):
            await storage.save(key, b"x", "image/png")
        with pytest.raises(InvalidKey):
            await storage.read(key)
        with pytest.raises(InvalidKey):
            storage.url(key)

    def test_public_url_for_a_cdn_and_for_aws(self) -> None:
        cdn = S3Storage(
            "b-1", "m", endpoint=None, region="eu-west-1", public_url="https://cdn.example/m/"
        )
        assert cdn.url("i/a.png") == "https://cdn.example/m/i/a.png"
        aws = S3Storage("bucket-1", "", endpoint=None, region="eu-west-1", public_url=None)
        assert aws.url("i/a.png") == "https://bucket-1.s3.eu-west-1.amazonaws.com/i/a.png"


def test_settings_choose_s3(settings: Settings, s3_endpoint: str) -> None:
    chosen = create_storage(
        settings.model_copy(
            update={"storage_url": f"s3://{BUCKET}/media", "s3_endpoint_url": s3_endpoint}
        )
    )
    assert isinstance(chosen, S3Storage)
    assert chosen.url("a/b.png") == f"{s3_endpoint}/{BUCKET}/media/a/b.png"


@pytest.mark.parametrize("url", ["s3://", "http://bucket/x", "bucket/prefix"])
def test_storage_url_is_checked(url: str) -> None:
    with pytest.raises(ValueError, match="s3://"):
        parse_storage_url(url)
    with pytest.raises(ValueError, match="s3://"):
        Settings(_env_file=None, storage_url=url)


@pytest.fixture
async def s3_app(app: FastAPI, storage: S3Storage) -> AsyncIterator[S3Storage]:
    local = app.state.storage
    app.state.storage = storage
    try:
        yield storage
    finally:
        app.state.storage = local


async def test_image_upload_lands_in_the_bucket(
    app: FastAPI, client: AsyncClient, session: AsyncSession, s3_app: S3Storage
) -> None:
    user = await make_user(session)
    response = await client.post(
        "/api/images",
        files={"file": ("photo.jpg", samples.jpeg((640, 480)), "image/jpeg")},
        headers=auth_headers(user),
    )
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["url"].startswith(s3_app.base_url + "/images/")
    async with httpx.AsyncClient() as http:
        original = await http.get(data["url"])
        # The thumbnail job reads the original from the bucket and writes the thumbnail there.
        thumbnail_url = await thumbnail_after_job(app, session, data)
        assert thumbnail_url.startswith(s3_app.base_url + "/images/")
        thumbnail = await http.get(thumbnail_url)
    assert original.status_code == 200
    assert original.headers["content-type"] == "image/jpeg"
    assert thumbnail.headers["content-type"] == "image/webp"
