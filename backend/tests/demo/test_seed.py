from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.auth.passwords import verify_password
from fabricloop.config import Settings
from fabricloop.demo.catalogue import DEMO_PASSWORD
from fabricloop.demo.seed import DemoSeeder, demo_logins_text
from fabricloop.demo.shipping import PROFILES
from fabricloop.images.models import Image
from fabricloop.materials.models import DigitalProductPassport, Material
from fabricloop.messages.models import Message
from fabricloop.payments.models import Payment
from fabricloop.shipping.models import ShippingProfile
from fabricloop.shipping.schemas import ShippingProfileIn
from fabricloop.transactions.models import Transaction


async def _count(session: AsyncSession, model: type) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_demo_marketplace_has_content_for_every_page(
    session: AsyncSession, settings: Settings
) -> None:
    await DemoSeeder(session, settings).run()

    users = (await session.execute(select(User))).scalars().all()
    assert {u.role for u in users} == {"manufacturer", "brand"}
    assert all(verify_password(DEMO_PASSWORD, u.password_hash) for u in users)
    assert all(u.email in demo_logins_text() for u in users)

    materials = (await session.execute(select(Material))).scalars().all()
    assert len(materials) >= 60
    assert len({m.material_type for m in materials}) >= 12
    assert await _count(session, DigitalProductPassport) == len(materials)
    images = (await session.execute(select(Image))).scalars().all()
    assert {i.material_id for i in images} == {m.id for m in materials}
    assert all((settings.media_path / i.storage_key).is_file() for i in images)
    assert all((settings.media_path / i.thumbnail_key).is_file() for i in images)

    transactions = (await session.execute(select(Transaction))).scalars().all()
    assert {t.status for t in transactions} == {
        "pending",
        "paid",
        "shipped",
        "completed",
        "cancelled",
    }
    for t in transactions:
        goods = (t.unit_price * t.quantity).quantize(Decimal("0.01"))
        assert t.total == goods + t.shipping_price
        assert t.shipping_method == "zone"  # every demo seller ships to the demo buyers
        assert (t.paid_at is not None) == (t.status in ("paid", "shipped", "completed"))
    assert any(t.shipping_price > 0 for t in transactions)
    assert all(t.carrier == "ups" for t in transactions if t.tracking_number is not None)
    sellers = {u.id for u in users if u.role == "manufacturer"}
    assert {p.seller_id for p in (await session.execute(select(ShippingProfile))).scalars()} == (
        sellers
    )
    assert await _count(session, Payment) >= sum(t.paid_at is not None for t in transactions)
    assert all(m.quantity >= 0 for m in materials)

    unread = select(func.count()).select_from(Message).where(Message.read_at.is_(None))
    assert (await session.execute(unread)).scalar_one() > 0


def test_demo_profiles_are_valid_profiles() -> None:
    """Each demo profile passes the API's own rules (a country in one zone at most)."""
    for profile in PROFILES.values():
        data = ShippingProfileIn.model_validate(
            {
                "ships_from": profile.ships_from,
                "handling_days": profile.handling_days,
                "incoterm": profile.incoterm,
                "pickup_available": profile.pickup_available,
                "zones": [
                    {
                        "name": z.name,
                        "countries": list(z.countries),
                        "base_price": z.base_price,
                        "price_per_kg": z.price_per_kg,
                        "free_over": z.free_over,
                        "transit_days_min": z.transit_days_min,
                        "transit_days_max": z.transit_days_max,
                    }
                    for z in profile.zones
                ],
            }
        )
        countries = [c for z in data.zones for c in z.countries]
        assert len(countries) == len(set(countries))
        assert {"DE", "FR", "GB", "US"} <= set(countries)
