"""The marketplace's decentralised identifier: `did:web` derived from PUBLIC_BASE_URL."""

from urllib.parse import quote, urlsplit


def did_web(base_url: str) -> str:
    """`did:web:{host}` (a port percent-encoded, a path as further `:` segments), per the
    did:web method: https://example.com:8443/x -> did:web:example.com%3A8443:x."""
    parts = urlsplit(base_url)
    host = parts.hostname or "localhost"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def did_document_url(base_url: str) -> str:
    """Where a did:web resolver reads the document of `did_web(base_url)`."""
    base = base_url.rstrip("/")
    path = urlsplit(base).path
    return f"{base}/.well-known/did.json" if not path else f"{base}/did.json"
