"""Retention: purge chat messages after their keep periods; the published answer archive stays."""
from datetime import timedelta

from flask import current_app

from ..db import db
from ..models import Answer, ChatMessage, ChatSession, SafeguardingConcern, Sanction, Setting, utcnow
from .planning import plan_sessions


def kept(key: str, default: int) -> int:
    """A keep period in days: the console's setting when saved, else the environment's (TUTTU_...)."""
    return Setting.retention_days(key, current_app.config, default)


def purge_chat(now=None) -> dict:
    """Delete what is past its keep period; returns counts per kind."""
    now = now or utcnow()
    public_before = now - timedelta(days=kept("CHAT_KEEP_DAYS", 30))
    held_before = now - timedelta(days=kept("CHAT_KEEP_HELD_DAYS", 7))
    concern_before = now - timedelta(days=kept("CHAT_KEEP_CONCERN_DAYS", 90))
    with db.atomic():
        unpublished = (Answer.delete().where(Answer.published_at.is_null(), Answer.created_at < public_before).execute())
        published = ChatMessage.delete().where(ChatMessage.state == ChatMessage.PUBLISHED,
                                               ChatMessage.created_at < public_before).execute()
        held = ChatMessage.delete().where(ChatMessage.state != ChatMessage.PUBLISHED,
                                          ChatMessage.created_at < held_before).execute()
        concerns = SafeguardingConcern.delete().where(SafeguardingConcern.created_at < concern_before).execute()
        ended = ChatSession.select(ChatSession.id).where(ChatSession.ends_at < held_before)
        sanctions = Sanction.delete().where(Sanction.session.in_(ended)).execute()
    return {"published": published, "held": held, "unpublished_answers": unpublished, "concerns": concerns,
            "sanctions": sanctions}


def plan_sessions_job():
    """Every half hour: plan the next two weeks of scheduled sessions."""
    plan_sessions()
