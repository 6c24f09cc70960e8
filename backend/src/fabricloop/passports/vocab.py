"""The words the UNTP credential uses for FabricLoop's vocabularies: UN/CEFACT Rec 20 unit
codes, the bodies behind certification schemes, and plain names for types and fibres."""

from typing import Any

# UN/CEFACT Recommendation 20 codes of the listing units.
REC20_UNITS = {
    "kg": "KGM",  # kilogram
    "m": "MTR",  # metre
    "m2": "MTK",  # square metre
    "yd": "YRD",  # yard
    "roll": "RO",  # roll
    "piece": "H87",  # piece
}
KILOGRAM = REC20_UNITS["kg"]

# UNTP conformityTopic per certification scheme: what the scheme chiefly attests, and the body
# that issues the standard (UNTP's Standard requires its issuingParty).
SCHEMES: dict[str, tuple[str, str, str]] = {
    "GRS": ("circularity.content", "Textile Exchange", "https://textileexchange.org/"),
    "RCS": ("circularity.content", "Textile Exchange", "https://textileexchange.org/"),
    "OCS": ("environment.biodiversity", "Textile Exchange", "https://textileexchange.org/"),
    "RWS": ("environment.biodiversity", "Textile Exchange", "https://textileexchange.org/"),
    "GOTS": (
        "environment.biodiversity",
        "Global Organic Textile Standard International Working Group",
        "https://global-standard.org/",
    ),
    "FSC": ("environment.deforestation", "Forest Stewardship Council", "https://fsc.org/"),
    "OEKO-TEX": ("social.safety", "OEKO-TEX Association", "https://www.oeko-tex.com/"),
    "bluesign": ("social.safety", "bluesign technologies ag", "https://www.bluesign.com/"),
    "Cradle to Cradle": (
        "circularity.design",
        "Cradle to Cradle Products Innovation Institute",
        "https://c2ccertified.org/",
    ),
    "EU Ecolabel": (
        "governance.compliance",
        "European Commission",
        "https://environment.ec.europa.eu/topics/circular-economy/eu-ecolabel_en",
    ),
}
OTHER_TOPIC = "governance.compliance"


def scheme_topic(scheme: str) -> str:
    known = SCHEMES.get(scheme)
    return known[0] if known else OTHER_TOPIC


def scheme_standard(scheme: str) -> dict[str, Any] | None:
    """The UNTP Standard of a known scheme; None for `other` (no issuing body to name)."""
    known = SCHEMES.get(scheme)
    if known is None:
        return None
    _, body, website = known
    return {
        "type": ["Standard"],
        "name": scheme,
        "issuingParty": {"id": website, "name": body},
    }
