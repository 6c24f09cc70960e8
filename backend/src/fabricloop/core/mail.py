"""Sending mail through SMTP (aiosmtplib) to the server `SMTP_URL` names:
`smtp://[user:password@]host[:port]` (STARTTLS when the server offers it), `smtps://...` (TLS
from the start)."""

from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

SMTP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> "SmtpTarget":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("must be an smtp:// or smtps:// URL with a host")
        tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=tls,
        )


async def deliver(target: SmtpTarget, message: EmailMessage) -> None:
    """Raises aiosmtplib.SMTPException (or OSError) when the server refuses or is unreachable."""
    await aiosmtplib.send(
        message,
        hostname=target.hostname,
        port=target.port,
        username=target.username,
        password=target.password,
        use_tls=target.use_tls,
        start_tls=None if not target.use_tls else False,
        timeout=SMTP_TIMEOUT_SECONDS,
    )
