"""A chat session that ran, scripted through the chat hub (plain Python, no sockets): for report tests."""
from datetime import timedelta

from backend.models import ChatSession, Delivery, Notification, PushSubscription, Youth, utcnow
from tests.chat.helpers import Peer

EXPECTED_COUNTS = {
    "participants_writing": 3, "youth_messages": 5, "questions_asked": 4, "questions_answered": 1,
    "answers_published": 1, "questions_held": 1, "questions_rejected": 1, "may_need_help": 1,
    "reminders_sent": 2, "reminders_delivered": 1,
}


def script_session(city, title="Monday chat"):
    """Three teens, four questions (one answered and published, one held for a phone number, one rejected),
    a message that may need help, a reminder to two devices (one delivered). Returns (session, held frame)."""
    now = utcnow()
    session = ChatSession.create(title=title, starts_at=now - timedelta(minutes=30),
                                 ends_at=now + timedelta(minutes=30), host=city["staff"]["youth_worker"])
    teens = [Peer(session.id, "participant", youth=Youth.create(handle=f"Teen{session.id}x{n}")).join() for n in range(3)]
    host = Peer(session.id, "staff", staff=city["staff"]["youth_worker"]).join()
    officer = Peer(session.id, "staff", staff=city["staff"]["officer"]).join()
    Peer(session.id, "observer").join()
    q1 = teens[0].send("say", cid="a", text="Can I ride an e-scooter with a friend on it?", question=True)
    host.send("moderate", action="approve", id=q1["id"])
    officer.send("answer", seq=1, verdict="no", reason="Only one person may ride an e-scooter.")
    host.send("moderate", action="publish", seq=2, topic="traffic")
    q2 = teens[1].send("say", cid="b", text="Can you call me at 040 123 4567?", question=True)
    q3 = teens[1].send("say", cid="c", text="Who is the dumbest cop here?", question=True)
    host.send("moderate", action="reject", id=q3["id"], reason="rude")
    teens[2].send("say", cid="d", text="Is it legal to buy snus at 17?", question=True)
    help_msg = teens[2].send("say", cid="e", text="I'm scared at home, my dad hits me")
    host.send("moderate", action="approve", id=help_msg["id"])
    note = Notification.create(kind="session", key=f"session:{session.id}:quarter", ref=session.id,
                               message="push.session_quarter", expires_at=now + timedelta(hours=1))
    for n, status in enumerate([Delivery.SENT, Delivery.GONE]):
        sub = PushSubscription.create(endpoint=f"https://push.example/{session.id}/{n}", p256dh="k", auth="a")
        Delivery.create(notification=note, subscription=sub, status=status)
    for peer in teens + [host, officer]:
        peer.leave()
    return session, q2
