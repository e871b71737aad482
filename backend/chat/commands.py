"""The chat's CLI command (open-session) and demo step (a session open now, with a few messages)."""
from datetime import timedelta

import click
from flask.cli import with_appcontext

from ..models import Answer, ChatMessage, ChatSchedule, ChatSession, SessionStaff, Staff, Youth
from .planning import open_session_now, plan_sessions
from .search import index_answer


@click.command("open-session")
@with_appcontext
@click.option("--now", "now_flag", is_flag=True, required=True, help="Open the session now.")
@click.option("--minutes", type=click.IntRange(10, 480), default=60, show_default=True)
@click.option("--title", default="Chat", show_default=True)
@click.option("--host", "host_email", default=None, help="E-mail of the hosting youth worker.")
def open_session_command(now_flag, minutes, title, host_email):
    """Open a one-off chat session now for M minutes."""
    host = Staff.by_email(host_email) if host_email else None
    if host_email and host is None:
        raise click.ClickException(f"No staff account with e-mail {host_email}.")
    session = open_session_now(minutes, title=title, host=host)
    click.echo(f"Session {session.id} is open until {session.ends_at:%H:%M} UTC: /chat/{session.id}")


def seed_chat(city):
    """The default weekly slot, and a session open now with a question, an answer card and the archive."""
    host = city.youth_workers[0] if city.youth_workers else None
    ChatSchedule.create(weekday=0, starts="16:00", minutes=120, title="Monday chat", host=host)
    session = ChatSession.create(title="Monday chat (demo, open now)", starts_at=city.now - timedelta(minutes=10),
                                 ends_at=city.now + timedelta(minutes=110), host=host)
    officer = city.officers[0]
    for staff in filter(None, [host, officer]):
        SessionStaff.create(session=session, staff=staff)
    teen = Youth.create(handle="CuriousOtter101")
    seq = 0

    def add(**fields):
        nonlocal seq
        seq += 1
        return ChatMessage.create(session=session, seq=seq, cid=f"demo:{seq}", state="published", **fields)
    add(staff=host, text="Welcome! Ask anything. Officers answer yes / no / it depends, and why.")
    question = add(youth=teen, text="Can I ride an e-scooter with a friend on it?", is_question=True, votes=3)
    card = add(staff=officer, kind="answer", reply_to=question, verdict="no",
               text="E-scooters are for one person only; a passenger makes braking and steering unsafe.")
    session.last_seq = seq
    session.save()
    archived = Answer.create(message=question.id, card=card.id, session=session, staff=officer, question=question.text, verdict="no",
                  reason=card.text, topic="traffic", published_at=city.now, published_by=host)
    index_answer(archived)
    plan_sessions(city.now)
