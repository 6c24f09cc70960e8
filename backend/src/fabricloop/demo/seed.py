"""`fabricloop seed-demo`: a lived-in marketplace for a first run, so every page has
content. It only ever fills an empty database."""

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.auth.passwords import hash_password
from fabricloop.config import Settings
from fabricloop.core.db import create_engine, create_sessionmaker
from fabricloop.core.storage import create_storage
from fabricloop.demo.catalogue import COMPANIES, DEMO_PASSWORD, TEMPLATES, Template
from fabricloop.demo.shipping import PROFILES
from fabricloop.demo.swatches import encode, swatch
from fabricloop.fx import service as fx
from fabricloop.images.models import Image
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    PassportChange,
    SustainabilityMetric,
)
from fabricloop.materials.terms import order_total, quantity_in_kg
from fabricloop.messages.models import Message
from fabricloop.payments.models import Payment
from fabricloop.shipping.models import ShippingProfile, ShippingZone
from fabricloop.shipping.pricing import charge
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.service import rfc3339

CENT = Decimal("0.01")
LISTINGS_PER_TEMPLATE = 4
SUPPLY_STAGES = ("fibre", "spinning", "weaving", "dyeing", "finishing", "warehouse")
ADDRESS = {
    "Northwind Apparel": {
        "recipient_name": "Northwind Apparel, Goods-in",
        "line1": "Lagerstraße 12",
        "city": "Hamburg",
        "postal_code": "20457",
        "country": "DE",
    },
    "Atelier Lumen": {
        "recipient_name": "Atelier Lumen",
        "line1": "18 rue des Ateliers",
        "city": "Lyon",
        "postal_code": "69002",
        "country": "FR",
    },
}


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


class DemoSeeder:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.rng = random.Random(2026)
        self.now = datetime.now(UTC)
        self.storage = create_storage(settings)

    async def run(self) -> None:
        users = await self._users()
        sellers = [u for u in users if u.role == "manufacturer"]
        buyers = [u for u in users if u.role == "brand"]
        self._shipping_profiles(sellers)
        materials = await self._materials(sellers)
        await self._transactions(materials, buyers)
        await self._messages(materials, buyers)

    async def _users(self) -> list[User]:
        password_hash = hash_password(DEMO_PASSWORD, self.settings.bcrypt_rounds)
        users = [
            User(
                email=c.email,
                password_hash=password_hash,
                company_name=c.company_name,
                role=c.role,
                phone=c.phone,
                created_at=self.now - timedelta(days=400),
            )
            for c in COMPANIES
        ]
        self.session.add_all(users)
        await self.session.flush()
        return users

    def _shipping_profiles(self, sellers: list[User]) -> None:
        self.profiles = {s.id: PROFILES[s.email] for s in sellers if s.email in PROFILES}
        for seller in sellers:
            profile = self.profiles.get(seller.id)
            if profile is None:
                continue
            self.session.add(
                ShippingProfile(
                    seller_id=seller.id,
                    ships_from=profile.ships_from,
                    handling_days=profile.handling_days,
                    incoterm=profile.incoterm,
                    pickup_available=profile.pickup_available,
                )
            )
            self.session.add_all(
                ShippingZone(
                    seller_id=seller.id,
                    position=position,
                    name=zone.name,
                    countries=list(zone.countries),
                    base_price=zone.base_price,
                    price_per_kg=zone.price_per_kg,
                    free_over=zone.free_over,
                    transit_days_min=zone.transit_days_min,
                    transit_days_max=zone.transit_days_max,
                )
                for position, zone in enumerate(profile.zones)
            )

    async def _materials(self, sellers: list[User]) -> list[Material]:
        materials: list[Material] = []
        countries = {c.email: c.country for c in COMPANIES}
        for index in range(len(TEMPLATES) * LISTINGS_PER_TEMPLATE):
            template = TEMPLATES[index % len(TEMPLATES)]
            seller = sellers[(index * 7 + index // len(TEMPLATES)) % len(sellers)]
            material = await self._material(template, seller, countries[seller.email], index)
            materials.append(material)
        return materials

    async def _material(
        self, template: Template, seller: User, country: str, index: int
    ) -> Material:
        rng = self.rng
        colour, rgb = template.colours[index % len(template.colours)]
        whole = template.unit in ("roll", "piece")
        quantity = Decimal(rng.randrange(6, 40) if whole else rng.randrange(80, 2400))
        created = self.now - timedelta(days=rng.randrange(2, 330), minutes=rng.randrange(1440))
        certifications = [
            {
                "scheme": scheme,
                "certificate_id": f"{scheme[:3].upper()}-{rng.randrange(10**5, 10**6)}",
                "valid_until": (
                    self.now.date() + timedelta(days=rng.randrange(90, 700))
                ).isoformat(),
            }
            for scheme in template.certifications
        ]
        manufactured = date(2024 + index % 2, 1 + index % 12, 1 + index % 27)
        stages = SUPPLY_STAGES[: rng.randrange(3, len(SUPPLY_STAGES) + 1)]
        supply_chain = [  # the stages lead up to the manufacture date, a month apart
            {
                "stage": stage,
                "company": f"{seller.company_name.split()[0]} {stage.title()} Partner",
                "country": country,
                "date": (manufactured - timedelta(days=30 * (len(stages) - 1 - step))).isoformat(),
            }
            for step, stage in enumerate(stages)
        ]
        material = Material(
            seller_id=seller.id,
            title=template.title.format(colour=colour),
            description=template.description,
            material_type=template.material_type,
            source_type=template.source_type,
            quantity=quantity,
            unit=template.unit,
            kg_per_unit=Decimal(template.kg_per_unit) if template.kg_per_unit else None,
            price=_money(rng.uniform(*template.price)),
            currency="GBP" if country == "GB" else "EUR",
            min_order_quantity=Decimal(1 if whole else rng.choice((10, 25, 50))),
            composition=[{"fibre": f, "percent": p} for f, p in template.composition],
            color=colour,
            origin_country=country,
            manufacture_date=manufactured,
            certifications=certifications,
            supply_chain=supply_chain,
            status="draft" if index % 29 == 11 else "active",
            created_at=created,
            updated_at=created,
        )
        self.session.add(material)
        await self.session.flush()
        passport = DigitalProductPassport(
            material_id=material.id, created_at=created, updated_at=created
        )
        self.session.add(passport)
        await self.session.flush()
        if index % 3 != 2:
            await self._metrics(material, seller, passport, created)
        await self._images(material, seller, rgb, template.pattern, index)
        return material

    async def _metrics(
        self, material: Material, seller: User, passport: DigitalProductPassport, at: datetime
    ) -> None:
        footprint = Decimal(str(round(self.rng.uniform(0.8, 9.0), 2)))
        water = Decimal(str(round(self.rng.uniform(15, 900), 1)))
        chemicals = [{"name": "Formaldehyde", "cas_number": "50-00-0", "concentration_ppm": 8}]
        self.session.add(
            SustainabilityMetric(
                material_id=material.id,
                carbon_footprint=footprint,
                water_usage=water,
                chemical_composition=chemicals,
                recorded_by=seller.id,
                recorded_at=at,
            )
        )
        self.session.add(
            PassportChange(
                passport_id=passport.id,
                changed_by=seller.id,
                kind="metrics_added",
                changes={"carbon_footprint": str(footprint), "water_usage": str(water)},
                changed_at=at,
            )
        )
        if self.rng.random() < 0.3:  # a later, audited correction: the history shows both
            later = min(at + timedelta(days=self.rng.randrange(1, 20)), self.now)
            revised = (footprint * Decimal("0.9")).quantize(CENT)
            self.session.add(
                SustainabilityMetric(
                    material_id=material.id,
                    carbon_footprint=revised,
                    water_usage=water,
                    chemical_composition=chemicals,
                    recorded_by=seller.id,
                    recorded_at=later,
                )
            )
            self.session.add(
                PassportChange(
                    passport_id=passport.id,
                    changed_by=seller.id,
                    kind="metrics_added",
                    changes={"carbon_footprint": str(revised), "note": "third-party LCA update"},
                    changed_at=later,
                )
            )
            passport.updated_at = later

    async def _images(
        self, material: Material, seller: User, rgb: tuple[int, int, int], pattern: str, index: int
    ) -> None:
        for position in range(1 + index % 2):
            picture = swatch(rgb, pattern if position == 0 else "plain", seed=index * 10 + position)
            name = uuid.uuid4().hex
            key, thumb_key = f"images/{name[:2]}/{name}.jpg", f"images/{name[:2]}/{name}-thumb.webp"
            original = encode(picture, "JPEG")
            await self.storage.save(key, original, "image/jpeg")
            await self.storage.save(thumb_key, encode(picture, "WEBP", 400), "image/webp")
            self.session.add(
                Image(
                    owner_id=seller.id,
                    material_id=material.id,
                    position=position,
                    storage_key=key,
                    thumbnail_key=thumb_key,
                    # A swatch is smaller than a display image: its own.
                    display_key=key,
                    content_type="image/jpeg",
                    width=picture.width,
                    height=picture.height,
                    size_bytes=len(original),
                )
            )

    async def _transactions(self, materials: list[Material], buyers: list[User]) -> None:
        active = [m for m in materials if m.status == "active"]
        plan = (
            ["completed"] * 14
            + ["shipped"] * 4
            + ["paid"] * 3
            + ["pending"] * 2
            + ["cancelled"] * 3
        )
        for number, status in enumerate(plan):
            material = active[(number * 5) % len(active)]
            buyer = buyers[number % len(buyers)]
            await self._transaction(material, buyer, status, months_ago=number % 12)

    async def _transaction(
        self, material: Material, buyer: User, status: str, months_ago: int
    ) -> None:
        floor = material.min_order_quantity or Decimal(1)
        quantity = max(floor, (material.quantity / 8).quantize(Decimal(1)))
        created = self.now - timedelta(days=months_ago * 30 + self.rng.randrange(3, 20))
        if status == "pending":
            created = self.now - timedelta(minutes=5)
        paid_at = (
            created + timedelta(hours=2) if status in ("paid", "shipped", "completed") else None
        )
        history = [{"status": "pending", "at": rfc3339(created)}]
        steps = {"paid": 1, "shipped": 2, "completed": 3}.get(status, 0)
        for step, name in enumerate(("paid", "shipped", "completed")[:steps]):
            history.append(
                {"status": name, "at": rfc3339(created + timedelta(hours=2 + 48 * step))}
            )
        if status == "cancelled":
            history.append({"status": "cancelled", "at": rfc3339(created + timedelta(minutes=30))})
        else:
            material.quantity -= quantity
            if material.quantity == 0:
                material.status = "sold_out"
        goods = order_total(material.price, quantity)
        weight = quantity_in_kg(quantity, material.unit, material.kg_per_unit)
        address = ADDRESS[buyer.company_name]
        delivery = charge(self.profiles.get(material.seller_id), address["country"], weight, goods)
        transaction = Transaction(
            material_id=material.id,
            buyer_id=buyer.id,
            seller_id=material.seller_id,
            quantity=quantity,
            unit=material.unit,
            quantity_kg=weight,
            unit_price=material.price,
            total=goods + delivery.price,
            shipping_price=delivery.price,
            shipping_method=delivery.method,
            incoterm=delivery.incoterm,
            delivery_days_min=delivery.days_min,
            delivery_days_max=delivery.days_max,
            currency=material.currency,
            status=status,
            shipping_address=address,
            carrier="ups" if steps >= 2 else None,
            tracking_number=f"1Z{self.rng.randrange(10**9, 10**10)}" if steps >= 2 else None,
            status_history=history,
            expires_at=created + timedelta(minutes=30),
            paid_at=paid_at,
            created_at=created,
            updated_at=datetime.fromisoformat(history[-1]["at"]),  # the last status change
        )
        self.session.add(transaction)
        await self.session.flush()
        if paid_at is not None:
            if self.rng.random() < 0.25:  # a declined first attempt, as real buyers have
                self._payment(transaction, buyer, "failed", created + timedelta(hours=1))
            self._payment(transaction, buyer, "succeeded", paid_at)

    def _payment(self, transaction: Transaction, buyer: User, status: str, at: datetime) -> None:
        declined = status == "failed"
        self.session.add(
            Payment(
                transaction_id=transaction.id,
                payer_id=buyer.id,
                amount=transaction.total,
                currency=transaction.currency,
                status=status,
                gateway="sandbox",
                gateway_reference=f"pi_demo_{uuid.uuid4().hex[:20]}",
                payment_method="pm_card_visa_chargeDeclinedInsufficientFunds"
                if declined
                else "pm_card_visa",
                decline_code="insufficient_funds" if declined else None,
                failure_message="Your card has insufficient funds." if declined else None,
                created_at=at,
                updated_at=at,
            )
        )

    async def _messages(self, materials: list[Material], buyers: list[User]) -> None:
        scripts = (
            ("Hi! Is the {title} still available in this quantity?", "buyer"),
            ("Yes, all of it is in our warehouse and can ship within a week.", "seller"),
            ("Great. Could you send a physical swatch and the test report?", "buyer"),
            (
                "Of course, the swatch goes out tomorrow; the passport has the lab results.",
                "seller",
            ),
            ("Thanks, we'll order once our designer has seen it.", "buyer"),
        )
        active = [m for m in materials if m.status == "active"]
        for number, material in enumerate(active[:8]):
            buyer = buyers[number % len(buyers)]
            start = self.now - timedelta(days=8 - number, hours=3)
            length = 3 + number % 3
            for step, (text, who) in enumerate(scripts[:length]):
                sent = start + timedelta(hours=step * 3)
                from_buyer = who == "buyer"
                last = step == length - 1
                self.session.add(
                    Message(
                        sender_id=buyer.id if from_buyer else material.seller_id,
                        recipient_id=material.seller_id if from_buyer else buyer.id,
                        material_id=material.id if step == 0 else None,
                        content=text.format(title=material.title.lower()),
                        created_at=sent,
                        read_at=None if last else sent + timedelta(minutes=20),
                    )
                )
        await self.session.flush()


async def _is_empty(session: AsyncSession) -> bool:
    return (await session.execute(select(func.count()).select_from(User))).scalar_one() == 0


async def seed_if_empty(settings: Settings) -> bool:
    """Fill an empty database with the demo marketplace; True if it did."""
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            if not await _is_empty(session):
                return False
            await DemoSeeder(session, settings).run()
            await fx.import_default(session)
            await session.commit()
            return True
    finally:
        await engine.dispose()


async def _demo_accounts_present(settings: Settings) -> bool:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            emails = [c.email for c in COMPANIES]
            query = select(func.count()).select_from(User).where(User.email.in_(emails))
            return bool((await session.execute(query)).scalar_one())
    finally:
        await engine.dispose()


def demo_logins_text() -> str:
    lines = [f"Demo logins (password {DEMO_PASSWORD}):"]
    lines += [f"  {c.role:<12} {c.email:<28} {c.company_name}" for c in COMPANIES]
    return "\n".join(lines)


def seed(settings: Settings) -> bool:
    return asyncio.run(seed_if_empty(settings))


def startup_hook(settings: Settings, no_seed: bool) -> None:
    """At `serve`: load the demo into an empty database and show how to log in."""
    if settings.env == "production" or not settings.seed_demo or no_seed:
        return
    if seed(settings):
        print("Loaded the demo marketplace into the empty database.", flush=True)
    if asyncio.run(_demo_accounts_present(settings)):
        print(demo_logins_text(), flush=True)
