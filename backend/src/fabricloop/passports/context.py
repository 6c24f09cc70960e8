"""FabricLoop's JSON-LD extension of the UNTP passport: the terms UNTP has no word for, in a
context of their own, served beside the API so that a JSON-LD processor expands them."""

from typing import Any

EXTENSION_CONTEXT_PATH = "/api/contexts/fabricloop-dpp-v1.jsonld"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
UNTP_DPP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dpp/0.6.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
REC20 = "https://vocabulary.uncefact.org/UnitMeasureCode#"


def extension_context_url(base_url: str) -> str:
    return base_url.rstrip("/") + EXTENSION_CONTEXT_PATH


def contexts(base_url: str) -> list[str]:
    """The credential's @context: VC 2.0, UNTP DPP 0.6.1, then the extension."""
    return [VC_CONTEXT, UNTP_DPP_CONTEXT, extension_context_url(base_url)]


def _double(vocab: str, name: str) -> dict[str, str]:
    return {"@id": f"{vocab}{name}", "@type": f"{XSD}double"}


def extension_context(base_url: str) -> dict[str, Any]:
    """The extension context document; its terms live under the context's own URL + `#`."""
    vocab = extension_context_url(base_url) + "#"
    unit = {"@id": f"{vocab}unit", "@type": "@vocab", "@context": {"@vocab": REC20}}
    return {
        "@context": {
            "@version": 1.1,
            "@protected": True,
            "sourceType": {"@id": f"{vocab}sourceType", "@type": f"{XSD}string"},
            "parentPassport": {"@id": f"{vocab}parentPassport", "@type": "@id"},
            "availableQuantity": {
                "@id": f"{vocab}availableQuantity",
                "@context": {"value": _double(vocab, "value"), "unit": unit},
            },
            "avoidedImpact": {
                "@id": f"{vocab}avoidedImpact",
                "@context": {
                    "carbonSavedPerKg": _double(vocab, "carbonSavedPerKg"),
                    "waterSavedPerKg": _double(vocab, "waterSavedPerKg"),
                    "baseline": {"@id": f"{vocab}baseline", "@type": f"{XSD}string"},
                    "methodology": {"@id": f"{vocab}methodology", "@type": "@id"},
                },
            },
        }
    }
