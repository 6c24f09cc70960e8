"""`python -m bench.data --materials N`: realistic listings in bulk, for benchmarks (never with
`ENV=production`: it writes thousands of made-up listings and accounts).

Rows go in with COPY (binary, through asyncpg) from two worker processes, one per core.
For large loads the secondary indexes of `materials` and `material_search` are dropped first and
rebuilt after the load (one sorted build is many times faster than a million index insertions;
each is recorded before it is dropped, so that a load that dies leaves them to the next run to
build); the search table is filled from the loaded rows in one statement, then the tables are
vacuumed and analysed so the planner sees the real distribution."""

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from fabricloop.auth.passwords import hash_password
from fabricloop.cli import database_url, settings_with_services
from fabricloop.config import get_settings
from fabricloop.core import migrate
from fabricloop.core.vocabulary import CERTIFICATION_SCHEMES, CURRENCIES, MATERIAL_TYPES
from fabricloop.materials.models import MATERIAL_SEARCH_FILL_SQL
from fabricloop.ops.pgtools import connect
from sqlalchemy.engine import make_url

BATCH = 20_000
REBUILD_INDEXES_ABOVE = 50_000
# The indexes a large load dropped and has yet to build again (_drop_secondary_indexes).
DROPPED_INDEXES = "bench_dropped_indexes"
MATERIAL_COLUMNS = (
    "id",
    "seller_id",
    "title",
    "description",
    "material_type",
    "source_type",
    "quantity",
    "unit",
    "kg_per_unit",
    "price",
    "currency",
    "min_order_quantity",
    "composition",
    "color",
    "origin_country",
    "manufacture_date",
    "certifications",
    "supply_chain",
    "status",
    "deleted_at",
    "created_at",
    "updated_at",
)
METRIC_COLUMNS = (
    "id",
    "material_id",
    "carbon_footprint",
    "water_usage",
    "chemical_composition",
    "recorded_by",
    "recorded_at",
)
PASSPORT_COLUMNS = ("id", "material_id", "created_at", "updated_at")

FIBRE_WORDS = {
    "cotton": "cotton",
    "organic_cotton": "organic cotton",
    "recycled_cotton": "recycled cotton",
    "polyester": "polyester",
    "recycled_polyester": "recycled polyester",
    "nylon": "nylon",
    "recycled_nylon": "recycled nylon",
    "wool": "wool",
    "recycled_wool": "recycled wool",
    "viscose": "viscose",
    "lyocell": "lyocell",
    "linen": "linen",
    "hemp": "hemp",
    "silk": "silk",
    "acrylic": "acrylic",
    "elastane": "elastane",
    "blend": "blended",
    "other": "mixed fibre",
}
# Rough market shares: cotton and polyester dominate textile surplus.
TYPE_WEIGHTS = [14, 8, 6, 12, 8, 4, 2, 5, 2, 5, 3, 5, 2, 2, 3, 1, 14, 4]
CONSTRUCTIONS = (
    "jersey",
    "interlock",
    "rib",
    "pique",
    "fleece",
    "french terry",
    "twill",
    "denim",
    "canvas",
    "poplin",
    "oxford",
    "chambray",
    "satin",
    "voile",
    "muslin",
    "flannel",
    "corduroy",
    "velvet",
    "chiffon",
    "crepe",
    "georgette",
    "organza",
    "taffeta",
    "tulle",
    "mesh",
    "ripstop",
    "softshell",
    "melton",
    "tweed",
    "gabardine",
    "seersucker",
    "jacquard",
    "lace",
    "sateen",
    "lawn",
    "herringbone",
    "boucle",
    "sherpa",
    "yarn",
    "fibre",
    "waste",
)
ADJECTIVES = (
    "soft",
    "heavyweight",
    "lightweight",
    "brushed",
    "stretch",
    "washed",
    "mercerised",
    "peached",
    "enzyme-washed",
    "garment-dyed",
    "undyed",
    "bleached",
    "slub",
    "melange",
    "coated",
    "water-repellent",
    "breathable",
    "premium",
    "vintage",
    "structured",
)
COLORS = (
    "navy",
    "black",
    "white",
    "ecru",
    "off-white",
    "indigo",
    "charcoal",
    "grey melange",
    "olive",
    "khaki",
    "sand",
    "camel",
    "burgundy",
    "forest green",
    "sky blue",
    "coral",
    "mustard",
    "terracotta",
    "lilac",
    "stone",
    "rust",
    "teal",
    "blush",
    "cobalt",
)
USES = (
    "t-shirts",
    "hoodies",
    "shirting",
    "dresses",
    "trousers",
    "outerwear",
    "workwear",
    "linings",
    "upholstery",
    "bags",
    "activewear",
    "swimwear",
    "childrenswear",
    "bedding",
    "curtains",
    "accessories",
    "uniforms",
    "knitwear",
    "suiting",
    "lingerie",
)
ORIGINS = (
    "a cancelled order",
    "an overrun",
    "end-of-season stock",
    "a sampling run",
    "a discontinued colour",
    "cutting-room offcuts",
    "warehouse clearance",
    "a rejected lot",
    "excess production",
    "a brand's returned stock",
)
COUNTRIES = ("PT", "ES", "IT", "FR", "DE", "TR", "IN", "BD", "CN", "VN", "PK", "GB", "NL", "PL")
TESTS = ("pilling", "shrinkage", "colour fastness", "tear strength")
SOURCES = ("deadstock", "surplus", "post_industrial", "post_consumer", "recycled")
SOURCE_WEIGHTS = (40, 25, 15, 8, 12)
UNITS_WEIGHTS = (("kg", 45), ("m", 35), ("m2", 5), ("yd", 5), ("roll", 7), ("piece", 3))
CURRENCY_CHOICES = ("EUR",) * 10 + ("USD",) * 5 + ("GBP",) * 2 + CURRENCIES
STAGES = ("spinning", "weaving", "knitting", "dyeing", "finishing", "warehouse")
COMPANY_PARTS = (
    (
        "Porto",
        "Lyon",
        "Prato",
        "Bursa",
        "Tirupur",
        "Dhaka",
        "Ningbo",
        "Biella",
        "Guimaraes",
        "Lodz",
        "Manchester",
        "Tilburg",
        "Como",
        "Izmir",
        "Ho Chi Minh",
        "Faisalabad",
    ),
    ("Textiles", "Mills", "Weavers", "Knitting", "Fabrics", "Dyeworks", "Spinners", "Looms"),
)


def _sentence_pool(rng: random.Random, size: int) -> list[str]:
    """Pre-written description sentences; each description combines three of them."""
    pool = []
    for _ in range(size):
        kind = rng.randrange(4)
        if kind == 0:
            pool.append(
                f"Left over from {rng.choice(ORIGINS)}, stored flat in a dry warehouse "
                f"and never cut."
            )
        elif kind == 1:
            pool.append(
                f"A {rng.choice(ADJECTIVES)} hand with a {rng.choice(ADJECTIVES)} finish, "
                f"suited to {rng.choice(USES)} and {rng.choice(USES)}."
            )
        elif kind == 2:
            pool.append(
                f"Colour {rng.choice(COLORS)}, consistent across rolls; lab dips and "
                f"swatches on request."
            )
        else:
            pool.append(
                f"Tested for {rng.choice(TESTS)} and ready to ship from "
                f"{rng.choice(COMPANY_PARTS[0])}."
            )
    return pool


class Generator:
    def __init__(self, seed: int, seller_ids: list[uuid.UUID], now: datetime) -> None:
        self.rng = random.Random(seed)
        self.sellers = seller_ids
        self.now = now
        self.sentences = _sentence_pool(self.rng, 5000)
        self.units = [u for u, w in UNITS_WEIGHTS for _ in range(w)]
        self.types = [
            t for t, w in zip(MATERIAL_TYPES, TYPE_WEIGHTS, strict=True) for _ in range(w)
        ]
        self.sources = [s for s, w in zip(SOURCES, SOURCE_WEIGHTS, strict=True) for _ in range(w)]
        # JSON columns come from pools: building JSON per row would dominate the load time.
        self.compositions = {t: [self._composition(t) for _ in range(20)] for t in MATERIAL_TYPES}
        self.certifications = [self._certifications() for _ in range(500)]
        self.supply_chains = [self._supply_chain() for _ in range(500)]

    def _composition(self, material_type: str) -> str:
        if material_type == "blend":
            main = self.rng.choice(("cotton", "polyester", "wool", "viscose", "recycled_polyester"))
            other = self.rng.choice(("elastane", "polyester", "nylon", "linen", "cotton"))
            if other == main:
                other = "elastane"
            share = self.rng.choice((60, 65, 70, 80, 85, 90, 95, 97))
            parts = [{"fibre": main, "percent": share}, {"fibre": other, "percent": 100 - share}]
        else:
            parts = [{"fibre": material_type, "percent": 100}]
        return json.dumps(parts)

    def material(self, status: str = "active") -> tuple[Any, ...]:
        # random() and indexing instead of choice()/randrange(): several times faster, and
        # this runs a million times.
        rnd = self.rng.random
        material_type = self.types[int(rnd() * len(self.types))]
        unit = self.units[int(rnd() * len(self.units))]
        color = COLORS[int(rnd() * len(COLORS))]
        title = (
            f"{ADJECTIVES[int(rnd() * len(ADJECTIVES))].capitalize()} "
            f"{FIBRE_WORDS[material_type]} {CONSTRUCTIONS[int(rnd() * len(CONSTRUCTIONS))]}, "
            f"{80 + 10 * int(rnd() * 34)} gsm, {color}"
        )
        sentences = self.sentences
        description = (
            f"{sentences[int(rnd() * len(sentences))]} {sentences[int(rnd() * len(sentences))]} "
            f"Lot {10_000 + int(rnd() * 90_000)}."
        )
        if unit in ("roll", "piece"):
            quantity = Decimal(1 + int(rnd() * 4999))
        else:
            quantity = Decimal(1 + int(rnd() * 1_999_999)) / 100
        created = self.now - timedelta(seconds=int(rnd() * 730 * 86400))
        country = COUNTRIES[int(rnd() * len(COUNTRIES))]
        return (
            uuid.UUID(int=self.rng.getrandbits(128), version=4),
            self.sellers[int(rnd() * len(self.sellers))],
            title,
            description,
            material_type,
            self.sources[int(rnd() * len(self.sources))],
            quantity,
            unit,
            None if unit == "kg" else Decimal(5 + int(rnd() * 2995)) / 100,
            Decimal(int(rnd() * 4000)) / 100,
            CURRENCY_CHOICES[int(rnd() * len(CURRENCY_CHOICES))],
            None if rnd() < 0.6 else min(quantity, Decimal(1 + int(rnd() * 49))),
            self.compositions[material_type][int(rnd() * 20)],
            color,
            country if rnd() < 0.85 else None,
            (created - timedelta(days=30 + int(rnd() * 1500))).date(),
            self.certifications[int(rnd() * len(self.certifications))],
            self.supply_chains[int(rnd() * len(self.supply_chains))],
            status,
            self.now if status == "deleted" else None,
            created,
            created,
        )

    def _certifications(self) -> str:
        if self.rng.random() >= 0.3:
            return "[]"
        scheme = self.rng.choice(CERTIFICATION_SCHEMES[:-1])
        certificate = {"scheme": scheme, "certificate_id": f"C-{self.rng.randrange(10**6)}"}
        return json.dumps([{**certificate, "valid_until": None}])

    def _supply_chain(self) -> str:
        country = self.rng.choice(COUNTRIES)
        return json.dumps(
            [
                {"stage": stage, "company": self.company(), "country": country, "date": None}
                for stage in self.rng.sample(STAGES, self.rng.randrange(0, 3))
            ]
        )

    def company(self) -> str:
        return f"{self.rng.choice(COMPANY_PARTS[0])} {self.rng.choice(COMPANY_PARTS[1])}"


def _fix_deleted(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # "deleted" is a generator label: the row is archived with deleted_at set.
    if row[18] != "deleted":
        return row
    return (*row[:18], "archived", *row[19:])


def _batches(gen: Generator, count: int, extra: int) -> Iterator[list[tuple[Any, ...]]]:
    statuses = ["draft", "sold_out", "archived", "deleted"]
    batch: list[tuple[Any, ...]] = []
    for n in range(count + extra):
        status = "active" if n < count else statuses[n % len(statuses)]
        batch.append(_fix_deleted(gen.material(status)))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _metric_rows(gen: Generator, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rnd = gen.rng.random
    return [
        (
            uuid.UUID(int=gen.rng.getrandbits(128), version=4),
            row[0],
            Decimal(50 + int(rnd() * 2450)) / 100,
            Decimal(100 + int(rnd() * 1_500_000)) / 100,
            "[]",
            row[1],
            row[20],
        )
        for row in rows
        if rnd() < 0.7
    ]


async def _load_part(
    dsn: str, seed: int, seller_ids: list[uuid.UUID], count: int, extra: int
) -> None:
    gen = Generator(seed, seller_ids, datetime.now(UTC))
    connection = await connect(dsn)
    try:
        await connection.execute("SET synchronous_commit = off")
        await _skip_foreign_key_checks(connection)
        for batch in _batches(gen, count, extra):
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "materials", records=batch, columns=MATERIAL_COLUMNS
                )
                await connection.copy_records_to_table(
                    "sustainability_metrics",
                    records=_metric_rows(gen, batch),
                    columns=METRIC_COLUMNS,
                )
                await connection.copy_records_to_table(
                    "digital_product_passports",
                    records=[(uuid.uuid4(), r[0], r[20], r[20]) for r in batch],
                    columns=PASSPORT_COLUMNS,
                )
    finally:
        await connection.close()


def _worker(args: tuple[str, int, list[uuid.UUID], int, int]) -> None:
    asyncio.run(_load_part(*args))


async def _make_sellers(connection: asyncpg.Connection, count: int, seed: int) -> list[uuid.UUID]:
    rng = random.Random(seed)
    password_hash = hash_password("BenchSeller1", 12)
    run = uuid.uuid4().hex[:8]
    rows = [
        (
            uuid.uuid4(),
            f"bench-{run}-{n}@bench.example",
            password_hash,
            f"{rng.choice(COMPANY_PARTS[0])} {rng.choice(COMPANY_PARTS[1])} {n}",
            "manufacturer",
        )
        for n in range(count)
    ]
    await connection.copy_records_to_table(
        "users", records=rows, columns=("id", "email", "password_hash", "company_name", "role")
    )
    return [r[0] for r in rows]


async def _skip_foreign_key_checks(connection: asyncpg.Connection) -> None:
    """Every generated reference points at a row made by this load, so the per-row triggers
    can be skipped where the role is allowed to: the foreign key checks (a third of the load
    time) and the search table's, which `generate` fills in one statement after the load."""
    with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
        await connection.execute("SET session_replication_role = replica")


async def _secondary_indexes(connection: asyncpg.Connection) -> list[tuple[str, str]]:
    rows = await connection.fetch(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           JOIN pg_class c ON c.relname = i.indexname
           JOIN pg_index x ON x.indexrelid = c.oid
           WHERE i.schemaname = current_schema()
             AND i.tablename IN ('materials', 'sustainability_metrics',
                                 'digital_product_passports', 'material_search')
             AND NOT x.indisprimary"""
    )
    # The index of a partitioned table is defined "ON ONLY" the parent; built again without
    # ONLY, it builds the index of every partition too.
    return [(r["indexname"], r["indexdef"].replace(" ON ONLY ", " ON ", 1)) for r in rows]


async def _drop_secondary_indexes(connection: asyncpg.Connection) -> None:
    """Drop the secondary indexes before a large load (built once at its end, not kept up row
    by row), each recorded in bench_dropped_indexes in the same transaction: a load that dies
    part-way leaves its record, and the next run builds them again."""
    async with connection.transaction():
        await connection.execute(
            f"CREATE TABLE IF NOT EXISTS {DROPPED_INDEXES}"
            " (name text PRIMARY KEY, definition text NOT NULL)"
        )
        for name, definition in await _secondary_indexes(connection):
            await connection.execute(
                f"INSERT INTO {DROPPED_INDEXES} VALUES ($1, $2) ON CONFLICT DO NOTHING",
                name,
                definition,
            )
            await connection.execute(f'DROP INDEX "{name}"')


async def _build_dropped_indexes(connection: asyncpg.Connection) -> int:
    """Build every index bench_dropped_indexes records, each with its record's removal in one
    transaction; how many."""
    if not await connection.fetchval(f"SELECT to_regclass('{DROPPED_INDEXES}') IS NOT NULL"):
        return 0
    rows = await connection.fetch(f"SELECT name, definition FROM {DROPPED_INDEXES} ORDER BY name")
    for row in rows:
        async with connection.transaction():
            await connection.execute(row["definition"])
            await connection.execute(f"DELETE FROM {DROPPED_INDEXES} WHERE name = $1", row["name"])
    return len(rows)


def _seed_after(seed: int, present: int) -> int:
    """The seed of rows added to `present` rows: `seed` itself into an empty table."""
    return seed if present == 0 else random.Random(f"{seed}:{present}").getrandbits(40)


async def generate(dsn: str, materials: int, *, seed: int = 1, workers: int = 2) -> dict[str, Any]:
    """Add `materials` active listings (plus 2% in other states), their sellers, metrics and
    passports. Returns timings. Into an empty table the rows are `seed`'s, the same on every
    run; added to rows already there (the bench tops its database up from 20,000 listings to a
    million), they are drawn from `seed` and the number of rows present, so that they never
    repeat the ids of the earlier ones."""
    started = time.perf_counter()
    connection = await connect(dsn)
    try:
        present = int(await connection.fetchval("SELECT count(*) FROM materials"))
        seed = _seed_after(seed, present)
        sellers = await _make_sellers(connection, max(10, materials // 1000), seed)
        rebuilt = 0
        if materials > REBUILD_INDEXES_ABOVE:
            await _drop_secondary_indexes(connection)
        else:
            rebuilt = await _build_dropped_indexes(connection)  # an interrupted load's
    finally:
        await connection.close()

    extra = materials // 50
    shares = [materials // workers + (1 if n < materials % workers else 0) for n in range(workers)]
    extras = [extra // workers + (1 if n < extra % workers else 0) for n in range(workers)]
    jobs = [(dsn, seed * 1000 + n, sellers, shares[n], extras[n]) for n in range(workers)]
    if workers == 1:
        await _load_part(*jobs[0])
    else:
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers) as pool:
            pool.map(_worker, jobs)
    loaded = time.perf_counter()

    connection = await connect(dsn)
    try:
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute("SET max_parallel_maintenance_workers = 2")
        # The load skipped the triggers (session_replication_role), the search table's one too.
        await connection.execute(MATERIAL_SEARCH_FILL_SQL)
        filled = time.perf_counter()
        rebuilt += await _build_dropped_indexes(connection)
        indexed = time.perf_counter()
        for table in (
            "users",
            "materials",
            "sustainability_metrics",
            "digital_product_passports",
            "material_search",
        ):
            await connection.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await connection.close()
    done = time.perf_counter()
    return {
        "materials": materials,
        "other_states": extra,
        "present_before": present,
        "seed": seed,
        "sellers": len(sellers),
        "load_seconds": round(loaded - started, 1),
        "search_table_seconds": round(filled - loaded, 1),
        "indexes_rebuilt": rebuilt,
        "index_seconds": round(indexed - filled, 1),
        "vacuum_seconds": round(done - indexed, 1),
        "total_seconds": round(done - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.data",
        description="Add N realistic listings (with sellers, metrics, passports) by COPY.",
    )
    parser.add_argument("--materials", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="default: DATABASE_URL")
    args = parser.parse_args(argv)
    if os.environ.get("ENV", "").strip().lower() == "production":
        print("bench data is never loaded with ENV=production", file=sys.stderr)
        return 2
    # Embedded servers (exported into this process's environment) only when no URL is given.
    settings = get_settings() if args.database_url else settings_with_services()
    if settings.env == "production":  # set in .env
        print("bench data is never loaded with ENV=production", file=sys.stderr)
        return 2
    url = args.database_url or database_url(settings)
    migrate.upgrade(url)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    timings = asyncio.run(generate(dsn, args.materials, seed=args.seed, workers=args.workers))
    print(json.dumps(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
