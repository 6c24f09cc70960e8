"""The official UNTP DPP 0.6.1 artefacts (schema, contexts, sample), read from the shared data
folder beside the repository (`../shared/data/untp/`; `UNTP_DATA_DIR` overrides it), and the
two checks every passport must pass: the JSON schema, and JSON-LD expansion that keeps every
term. Nothing here touches the network: the contexts are loaded from files."""

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from pyld import jsonld

REPO_ROOT = Path(__file__).resolve().parents[3]
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DPP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dpp/0.6.1/"
# Relative IRIs (a type no context defines) resolve against this base, so they can be told.
UNDEFINED_BASE = "https://undefined.invalid/"
FILES = {
    VC_CONTEXT: "credentials-v2.jsonld",
    DPP_CONTEXT: "dpp-0.6.1-context.jsonld",
}


def untp_dir() -> Path:
    folder = Path(os.environ.get("UNTP_DATA_DIR") or REPO_ROOT.parent / "shared/data/untp")
    if not (folder / "dpp-0.6.1-schema.json").is_file():
        raise AssertionError(
            f"The UNTP 0.6.1 artefacts are missing from {folder}: the shared data folder "
            "belongs beside the repository (or set UNTP_DATA_DIR)."
        )
    return folder


def read(name: str) -> Any:
    return json.loads((untp_dir() / name).read_text(encoding="utf-8"))


@cache
def validator() -> Any:
    return jsonschema_rs.validator_for(read("dpp-0.6.1-schema.json"), validate_formats=True)


def schema_errors(document: Any) -> list[str]:
    return [f"{list(e.instance_path)}: {e.message}" for e in validator().iter_errors(document)]


def expand(document: Any, extra: dict[str, Any] | None = None) -> list[Any]:
    """JSON-LD expansion with the contexts served from files (and `extra`: url -> document);
    an unknown context URL fails the test instead of reaching the network."""
    documents = {url: read(name) for url, name in FILES.items()} | (extra or {})

    def loader(url: str, options: Any = None) -> dict[str, Any]:  # noqa: ARG001
        if url not in documents:
            raise AssertionError(f"context {url} is not available offline")
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": documents[url],
        }

    result: list[Any] = jsonld.expand(document, {"documentLoader": loader, "base": UNDEFINED_BASE})
    return result


def _leaves(node: Any) -> int:
    if isinstance(node, dict):
        return sum(_leaves(v) for k, v in node.items() if k != "@context")
    if isinstance(node, list):
        return sum(_leaves(v) for v in node)
    return 1


def _expanded_leaves(node: Any, problems: list[str], path: str) -> int:
    if isinstance(node, list):
        return sum(_expanded_leaves(v, problems, path) for v in node)
    if not isinstance(node, dict):
        return 0
    count = 0
    for key, value in node.items():
        if key in ("@value", "@id"):
            count += 1
        elif key == "@type":
            if "@value" in node:
                continue
            types = value if isinstance(value, list) else [value]
            for name in types:
                if ":" not in name or name.startswith(UNDEFINED_BASE):
                    problems.append(f"{path}: type {name!r} is not defined by a context")
            count += len(types)
        elif key.startswith("@"):
            count += _expanded_leaves(value, problems, path)
        else:
            if ":" not in key or key.startswith(UNDEFINED_BASE):
                problems.append(f"{path}: property {key!r} has no IRI")
            count += _expanded_leaves(value, problems, f"{path}/{key.rsplit('/', 1)[-1]}")
    return count


def expansion_problems(document: Any, extra: dict[str, Any] | None = None) -> list[str]:
    """Every value of the document must survive expansion (a term no context defines is
    dropped silently), and every type and property must expand to an absolute IRI."""
    problems: list[str] = []
    kept = _expanded_leaves(expand(document, extra), problems, "")
    given = _leaves(document)
    if kept != given:
        problems.append(f"{given - kept} of {given} values were dropped by expansion")
    return problems
