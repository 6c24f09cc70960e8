"""Certifications backed by certificates: a listing's certification whose `certificate_id` is
the id of one of the seller's certificates (POST /api/certificates) references it, and is
shown `verified` while that certificate is approved and valid, judged whenever it is read.
Any other `certificate_id` is the seller's own word (self-declared)."""

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.certificates import service as certificates
from fabricloop.certificates.models import Certificate
from fabricloop.core.cache import Cache
from fabricloop.materials import caching, repository
from fabricloop.materials.schemas import CertificationOut

Verified = Mapping[uuid.UUID, Certificate]


def _reference(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def references(certifications: Iterable[dict[str, Any]]) -> list[tuple[str, uuid.UUID]]:
    """(scheme, certificate id) of the entries that reference a certificate."""
    found = []
    for item in certifications:
        reference = _reference(item.get("certificate_id"))
        if reference is not None:
            found.append((str(item.get("scheme", "")), reference))
    return found


async def check(
    session: AsyncSession, seller_id: uuid.UUID, certifications: Iterable[dict[str, Any]]
) -> None:
    """Before storing a listing's certifications: each reference names one of the seller's
    own certificates, of the same scheme."""
    await certificates.check_references(session, seller_id, references(certifications))


async def verified(
    session: AsyncSession, seller_id: uuid.UUID, certifications: Iterable[dict[str, Any]]
) -> Verified:
    ids = [i for _, i in references(certifications)]
    return await certificates.verifying(session, seller_id, ids) if ids else {}


def out(item: dict[str, Any], verified_by: Verified) -> CertificationOut:
    """One stored certification for a reader; a verified one carries its certificate's
    validity rather than what the seller typed."""
    reference = _reference(item.get("certificate_id"))
    certificate = verified_by.get(reference) if reference is not None else None
    valid_until: date | None = item.get("valid_until")
    if certificate is not None:
        valid_until = certificate.valid_until
    return CertificationOut(
        scheme=str(item.get("scheme", "")),
        certificate_id=str(item.get("certificate_id", "")),
        valid_until=valid_until,
        verified=certificate is not None,
        verified_at=certificate.reviewed_at if certificate is not None else None,
    )


async def _retire(session: AsyncSession, cache: Cache, certificate_ids: list[uuid.UUID]) -> None:
    """Listings that reference a certificate whose review or validity changed leave the
    caches once the change commits."""
    listings = await repository.referencing_certificates(session, certificate_ids)
    if listings:
        caching.invalidate_after_commit(session, cache, listings)


certificates.on_change(_retire)
