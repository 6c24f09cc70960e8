"""GS1 identification keys: the GTIN check digit and its canonical 14-digit form."""

GTIN_LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of `body` (the digits before it): weights 3 and 1
    alternate from the rightmost digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_problem(value: str) -> str | None:
    """Why `value` is not a GTIN-8, -12, -13 or -14, or None when it is one."""
    if not value.isascii() or not value.isdigit():
        return "A GTIN has digits only."
    if len(value) not in GTIN_LENGTHS:
        return "A GTIN has 8, 12, 13 or 14 digits."
    if check_digit(value[:-1]) != int(value[-1]):
        return "The GTIN's check digit is wrong."
    return None


def gtin14(value: str) -> str:
    """The GTIN padded to 14 digits with leading zeros, as GS1 Digital Link writes it."""
    return value.zfill(14)


def gtin_forms(value: str) -> list[str]:
    """Every length a GTIN-14 may have been written in (leading zeros dropped)."""
    canonical = gtin14(value)
    return [canonical[14 - n :] for n in (14, 13, 12, 8) if canonical[: 14 - n].strip("0") == ""]
