from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from fabricloop.auth.deps import CurrentUser
from fabricloop.auth.errors import InvalidSession
from fabricloop.core.errors import ServiceUnavailable, responses
from fabricloop.core.events import EventHub
from fabricloop.events import service
from fabricloop.events.schemas import EventTicket

router = APIRouter(prefix="/api/events", tags=["events"])

# One event of the stream, as its fields parse.
SSE_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["ready", "notification", "message"]},
        "data": {"type": "string", "description": "JSON"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
}
PING_SECONDS = 15
RETRY_MS = 3000

STREAM_DESCRIPTION = """A Server-Sent Events stream of the caller's new notifications and
messages. Authenticate with the `Authorization: Bearer` header, or (EventSource cannot send
headers) with `?ticket=` from POST /api/events/ticket. Events:

- `ready` once the stream is open (`{}`);
- `notification`: a notification as GET /api/notifications lists it, plus `unread_count`
  (the caller's unread notifications with it, counted up to 100: 100 means 100 or more;
  GET /api/notifications gives the exact count);
- `message`: a message sent to or by the caller (`message_id, sender_id, recipient_id,
  content, material_id, sent_at`);
- `messages_read`: someone read the caller's messages to them (`reader_id`).

A comment line is sent every 15 s to keep proxies from closing the stream. After a drop the
client reconnects (the stream suggests `retry: 3000`) and catches up through the API."""


@router.post("/ticket", responses=responses(InvalidSession, ServiceUnavailable))
async def create_event_ticket(request: Request, user: CurrentUser) -> EventTicket:
    """A one-time ticket, valid for 60 seconds, to open the event stream with EventSource."""
    return await service.issue_ticket(request.app.state.redis, user)


def _bearer(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidSession()
    return token.strip()


@router.get(
    "",
    description=STREAM_DESCRIPTION,
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": SSE_EVENT}}},
        **responses(InvalidSession),
    },
)
async def stream_events(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    ticket: Annotated[
        str | None, Query(max_length=100, description="From POST /api/events/ticket.")
    ] = None,
) -> EventSourceResponse:
    """The caller's live notifications and messages (Server-Sent Events)."""
    user_id = await service.stream_owner(
        request.app.state.sessionmaker,
        request.app.state.settings,
        request.app.state.redis,
        _bearer(authorization),
        ticket,
    )
    hub: EventHub = request.app.state.events

    async def events() -> Any:
        async with hub.subscribe(user_id) as stream:
            yield ServerSentEvent(data="{}", event="ready", retry=RETRY_MS)
            async for event in stream:
                yield ServerSentEvent(data=orjson.dumps(event.data).decode(), event=event.name)

    return EventSourceResponse(
        events(),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
