"""Chat fixtures: `chat`, an open session with an app context in which tests make peers (no sockets)."""
from datetime import timedelta

import pytest

from backend.broker import LocalBroker
from backend.db import db
from backend.models import ChatSession, Youth, utcnow
from tests.chat.helpers import Peer, reset_hub


@pytest.fixture
def chat(app, city):
    """An open session (pre-moderation) with an app context; people() makes peers."""
    ctx = app.app_context()
    ctx.push()
    db.connect(reuse_if_open=True)
    reset_hub(LocalBroker())       # hub logic, synchronously; the Redis path is tests/chat/test_chat_redis.py
    now = utcnow()
    row = ChatSession.create(title="Test chat", starts_at=now - timedelta(minutes=5),
                                 ends_at=now + timedelta(minutes=55), host=city["staff"]["youth_worker"])
    counter = iter(range(1, 10_000))

    class Chat:
        id = row.id
        staff = city["staff"]

        def youth(self, **kw):
            person = Youth.create(handle=f"TestTeen{next(counter)}")
            return Peer(row.id, "participant", youth=person, **kw).join()

        def observer(self, **kw):
            return Peer(row.id, "observer", **kw).join()

        def staffer(self, role="youth_worker", **kw):
            return Peer(row.id, "staff", staff=city["staff"][role], **kw).join()

        def session(self):
            return ChatSession.get_by_id(row.id)

    yield Chat()
    reset_hub()
    if not db.is_closed():
        db.close()
    ctx.pop()
