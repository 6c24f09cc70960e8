"""The email of a notification: text and HTML parts, a Message-ID made from the notification
(the idempotency key a receiving server deduplicates by), and a one-click unsubscribe link."""

import html
import uuid
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlencode, urlsplit

import jwt

from fabricloop.notifications.kinds import KINDS

UNSUBSCRIBE_AUDIENCE = "fabricloop:unsubscribe"


def unsubscribe_token(secret: str, user_id: uuid.UUID, kind: str) -> str:
    """Never expires: an old email's link must still work. It can only turn email off."""
    return jwt.encode(
        {"sub": str(user_id), "kind": kind, "aud": UNSUBSCRIBE_AUDIENCE}, secret, "HS256"
    )


def read_unsubscribe_token(secret: str, token: str) -> tuple[uuid.UUID, str] | None:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=UNSUBSCRIBE_AUDIENCE,
            options={"require": ["sub", "aud"]},
        )
        user_id = uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError, KeyError):
        return None
    kind = claims.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        return None
    return user_id, kind


def message_id(notification_id: uuid.UUID, base_url: str) -> str:
    host = urlsplit(base_url).hostname or "fabricloop.local"
    return f"<notification-{notification_id}@{host}>"


def compose(
    *,
    notification_id: uuid.UUID,
    user_id: uuid.UUID,
    kind: str,
    title: str,
    body: str,
    link: str | None,
    to_address: str,
    from_address: str,
    base_url: str,
    secret: str,
) -> EmailMessage:
    base = base_url.rstrip("/")
    token = unsubscribe_token(secret, user_id, kind)
    unsubscribe = f"{base}/api/notifications/unsubscribe?{urlencode({'token': token})}"
    target = f"{base}{link}" if link else f"{base}/notifications"
    label = KINDS.get(kind, kind)

    message = EmailMessage()
    message["Subject"] = title
    message["From"] = from_address
    message["To"] = to_address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(notification_id, base_url)
    message["X-FabricLoop-Notification"] = str(notification_id)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(
        f"{title}\n\n{body}\n\nOpen FabricLoop: {target}\n\n--\n"
        f"Stop emails about {label.lower()}: {unsubscribe}\n"
    )
    message.add_alternative(
        '<!doctype html><html><body style="font-family:sans-serif;color:#1f2937">'
        f'<h1 style="font-size:18px">{html.escape(title)}</h1>'
        f'<p style="white-space:pre-line">{html.escape(body)}</p>'
        f'<p><a href="{html.escape(target)}">Open FabricLoop</a></p>'
        '<hr><p style="font-size:12px;color:#6b7280">'
        f'<a href="{html.escape(unsubscribe)}">Stop emails about {html.escape(label.lower())}</a>'
        "</p></body></html>",
        subtype="html",
    )
    return message
