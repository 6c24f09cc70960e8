"""The demo marketplace: who is on it and what they list."""

from dataclasses import dataclass

DEMO_PASSWORD = "Demo-Passw0rd"  # noqa: S105 - published demo login, never used in production


@dataclass(frozen=True)
class DemoCompany:
    email: str
    company_name: str
    role: str
    country: str
    phone: str


COMPANIES = (
    DemoCompany(
        "mill@tessituraverde.demo", "Tessitura Verde S.r.l.", "manufacturer", "IT", "+390574123456"
    ),
    DemoCompany(
        "sales@portoknit.demo", "Porto Knit Mills Lda", "manufacturer", "PT", "+351221234567"
    ),
    DemoCompany(
        "hello@dhakadeadstock.demo", "Dhaka Deadstock Co.", "manufacturer", "BD", "+8801712345678"
    ),
    DemoCompany(
        "trade@yorkshirewool.demo",
        "Yorkshire Wool Reclaim Ltd",
        "manufacturer",
        "GB",
        "+441132345678",
    ),
    DemoCompany("sourcing@northwind.demo", "Northwind Apparel", "brand", "DE", "+493012345678"),
    DemoCompany("studio@atelierlumen.demo", "Atelier Lumen", "brand", "FR", "+33142345678"),
)


@dataclass(frozen=True)
class Template:
    title: str
    description: str
    material_type: str
    source_type: str
    unit: str
    kg_per_unit: str | None
    price: tuple[float, float]
    colours: tuple[tuple[str, tuple[int, int, int]], ...]
    composition: tuple[tuple[str, int], ...]
    pattern: str
    certifications: tuple[str, ...] = ()


TEMPLATES = (
    Template(
        "{colour} organic cotton poplin",
        "Crisp 120 gsm poplin woven for a shirting order that was cut short. Stored flat in a dry warehouse, full width 150 cm.",
        "organic_cotton",
        "deadstock",
        "m",
        "0.180",
        (4.2, 7.5),
        (("White", (236, 234, 226)), ("Sky blue", (150, 185, 214)), ("Sage", (150, 170, 140))),
        (("organic_cotton", 100),),
        "plain",
        ("GOTS",),
    ),
    Template(
        "{colour} cotton denim 12 oz",
        "Right-hand twill denim, rope-dyed indigo, from a cancelled jeans programme. Rolls of 50-60 m.",
        "cotton",
        "surplus",
        "m",
        "0.450",
        (5.0, 8.9),
        (("Indigo", (45, 62, 105)), ("Washed blue", (98, 122, 160)), ("Black", (40, 40, 44))),
        (("cotton", 98), ("elastane", 2)),
        "twill",
    ),
    Template(
        "{colour} recycled polyester ripstop",
        "Lightweight ripstop from post-consumer PET bottles, DWR finish, ideal for outerwear linings.",
        "recycled_polyester",
        "recycled",
        "m",
        "0.070",
        (3.1, 5.4),
        (("Olive", (107, 112, 70)), ("Orange", (214, 112, 44)), ("Navy", (36, 46, 78))),
        (("recycled_polyester", 100),),
        "plaid",
        ("GRS",),
    ),
    Template(
        "{colour} merino jersey",
        "Fine 17.5 micron merino single jersey, 190 gsm, surplus from a base-layer run.",
        "wool",
        "surplus",
        "kg",
        None,
        (28.0, 42.0),
        (("Charcoal", (64, 64, 70)), ("Heather grey", (160, 160, 162)), ("Forest", (46, 84, 60))),
        (("wool", 100),),
        "knit",
        ("RWS",),
    ),
    Template(
        "Reclaimed {colour} wool melton",
        "Dense melton from mechanically recycled knitwear, fulled and brushed; excellent for coats.",
        "recycled_wool",
        "post_consumer",
        "m",
        "0.620",
        (11.0, 17.5),
        (("Camel", (178, 142, 98)), ("Burgundy", (110, 36, 48)), ("Grey", (120, 120, 124))),
        (("recycled_wool", 80), ("polyester", 20)),
        "herringbone",
        ("GRS",),
    ),
    Template(
        "{colour} linen canvas",
        "Stonewashed European linen canvas, 280 gsm, end of a homeware collection.",
        "linen",
        "deadstock",
        "m",
        "0.300",
        (8.0, 12.5),
        (("Natural", (205, 190, 160)), ("Clay", (170, 110, 80)), ("Ink", (50, 56, 70))),
        (("linen", 100),),
        "plain",
        ("OEKO-TEX",),
    ),
    Template(
        "{colour} hemp-cotton twill",
        "Hemp and organic cotton blend twill, enzyme softened, a sample yardage left after production.",
        "blend",
        "surplus",
        "m",
        "0.280",
        (7.0, 10.5),
        (("Sand", (196, 178, 140)), ("Moss", (96, 110, 70))),
        (("hemp", 55), ("organic_cotton", 45)),
        "twill",
        ("GOTS",),
    ),
    Template(
        "Post-industrial {colour} cotton cutting waste",
        "Sorted pre-consumer cutting waste from a T-shirt factory, baled by colour, ready for mechanical recycling.",
        "cotton",
        "post_industrial",
        "kg",
        None,
        (0.6, 1.4),
        (("Mixed white", (225, 222, 214)), ("Black", (36, 36, 38)), ("Red", (170, 40, 44))),
        (("cotton", 100),),
        "knit",
    ),
    Template(
        "{colour} recycled nylon tulle",
        "Regenerated nylon tulle (ECONYL-type yarn) for bridal and lingerie, deadstock from an atelier closure.",
        "recycled_nylon",
        "recycled",
        "m",
        "0.030",
        (2.5, 4.5),
        (("Ivory", (240, 232, 214)), ("Blush", (226, 180, 176))),
        (("recycled_nylon", 100),),
        "plain",
        ("GRS",),
    ),
    Template(
        "{colour} TENCEL lyocell sateen",
        "Fluid lyocell sateen with a soft lustre, 140 gsm, surplus from a dress order.",
        "lyocell",
        "surplus",
        "m",
        "0.140",
        (6.5, 9.8),
        (("Champagne", (214, 196, 160)), ("Teal", (40, 110, 112)), ("Rose", (196, 120, 130))),
        (("lyocell", 100),),
        "plain",
        ("OEKO-TEX",),
    ),
    Template(
        "{colour} viscose crepe rolls",
        "Drapey viscose crepe, 4 rolls, left after a cancelled blouse order.",
        "viscose",
        "deadstock",
        "roll",
        "18.000",
        (95.0, 160.0),
        (("Emerald", (24, 110, 80)), ("Mustard", (204, 160, 40))),
        (("viscose", 100),),
        "plain",
    ),
    Template(
        "{colour} silk habotai offcuts",
        "Silk habotai offcuts sorted by size, good for scarves, linings and patchwork.",
        "silk",
        "post_industrial",
        "kg",
        None,
        (18.0, 30.0),
        (("Pearl", (236, 230, 222)), ("Midnight", (30, 34, 60))),
        (("silk", 100),),
        "plain",
    ),
    Template(
        "{colour} cotton fleece",
        "Brushed-back cotton-poly fleece, 300 gsm, surplus from a sweatshirt programme.",
        "blend",
        "surplus",
        "kg",
        None,
        (6.0, 9.5),
        (("Oatmeal", (210, 196, 170)), ("Navy", (38, 48, 80)), ("Grey marl", (150, 150, 154))),
        (("cotton", 80), ("polyester", 20)),
        "knit",
        ("OEKO-TEX",),
    ),
    Template(
        "Recycled {colour} cotton yarn cones",
        "Open-end yarn spun from recycled cotton fibre, Ne 10/1, on 2 kg cones.",
        "recycled_cotton",
        "recycled",
        "piece",
        "2.000",
        (7.5, 12.0),
        (("Ecru", (226, 214, 190)), ("Denim blue", (80, 104, 140))),
        (("recycled_cotton", 70), ("polyester", 30)),
        "knit",
        ("GRS",),
    ),
    Template(
        "{colour} acrylic bouclé",
        "Textured acrylic bouclé from a knitwear collection that never launched.",
        "acrylic",
        "deadstock",
        "kg",
        None,
        (4.0, 6.5),
        (("Cream", (232, 224, 206)), ("Pink", (220, 150, 170))),
        (("acrylic", 100),),
        "knit",
    ),
    Template(
        "{colour} polyester satin",
        "Virgin polyester duchess satin, deadstock from an eveningwear supplier.",
        "polyester",
        "deadstock",
        "m",
        "0.160",
        (2.8, 4.8),
        (("Black", (20, 20, 24)), ("Silver", (180, 182, 188)), ("Royal", (40, 60, 150))),
        (("polyester", 100),),
        "plain",
    ),
)
