"""The development SMTP server (aiosmtpd): keeps every mail it receives as a `.eml` file under
`var/mail`, named after its Message-ID, so a mail sent twice is kept once."""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.responses import HTMLResponse


def mail_name(raw: bytes) -> str:
    parsed = message_from_bytes(raw, policy=policy.default)
    key = str(parsed.get("Message-ID") or "").strip() or hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class MailDirHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content or envelope.content
        target = self.directory / f"{mail_name(raw)}.eml"
        # Written whole, then renamed: a reader never sees half a mail; a resend replaces it.
        fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(temporary, target)
        return "250 Message accepted for delivery"


def start_sink(directory: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    controller = Controller(MailDirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class KeptMail:
    name: str
    subject: str
    to: str
    date: datetime | None
    message: EmailMessage


def kept_mails(directory: Path) -> list[KeptMail]:
    """The mails in `directory`, newest first."""
    mails = []
    for path in directory.glob("*.eml") if directory.is_dir() else []:
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        try:
            date = parsedate_to_datetime(str(parsed["Date"])) if parsed["Date"] else None
        except (TypeError, ValueError):
            date = None
        mails.append(
            KeptMail(path.stem, str(parsed["Subject"] or ""), str(parsed["To"] or ""), date, parsed)
        )
    return sorted(mails, key=lambda m: (m.date is not None, m.date), reverse=True)


def install_dev_mail(app: FastAPI, directory: Path) -> None:
    """Development only: `/dev/mail` lists the mails the sink kept, `/dev/mail/{name}` shows
    one (its HTML part, or its text). Not part of the API (absent from the OpenAPI schema)."""

    @app.get("/dev/mail", include_in_schema=False, response_class=HTMLResponse)
    async def list_dev_mail() -> HTMLResponse:
        rows = "".join(
            f"<tr><td>{escape(str(m.date or ''))}</td><td>{escape(m.to)}</td>"
            f'<td><a href="/dev/mail/{m.name}">{escape(m.subject)}</a></td></tr>'
            for m in kept_mails(directory)
        )
        return HTMLResponse(
            '<!doctype html><html><head><meta charset="utf-8"><title>Mail (development)'
            '</title></head><body style="font-family:sans-serif"><h1>Mails sent</h1>'
            f'<p>Kept in {escape(str(directory))}</p><table cellpadding="6">'
            f"<tr><th>Date</th><th>To</th><th>Subject</th></tr>{rows}</table></body></html>"
        )

    @app.get("/dev/mail/{name}", include_in_schema=False, response_class=HTMLResponse)
    async def show_dev_mail(name: str) -> HTMLResponse:
        path = directory / f"{name}.eml"
        if not name.isalnum() or not path.is_file():
            return HTMLResponse("Not found", status_code=404)
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        part = parsed.get_body(("html", "plain"))
        content = part.get_content() if part is not None else ""
        if part is not None and part.get_content_type() == "text/plain":
            content = f"<pre>{escape(content)}</pre>"
        return HTMLResponse(content)
