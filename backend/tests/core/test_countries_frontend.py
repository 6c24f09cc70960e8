"""The web app's country list (frontend/src/lib/countries.ts) holds exactly the codes the server
accepts: a country the select offers is never refused, and none the server knows is missing."""

import re

from fabricloop.config import REPO_ROOT
from fabricloop.core.countries import COUNTRY_CODES


def test_the_web_app_offers_exactly_the_servers_codes() -> None:
    source = (REPO_ROOT / "frontend" / "src" / "lib" / "countries.ts").read_text()
    match = re.search(r"const CODES = `([^`]*)`", source)
    assert match is not None
    offered = match.group(1).split()
    assert len(offered) == len(set(offered))
    assert set(offered) == COUNTRY_CODES
