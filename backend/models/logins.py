"""Logins kept on the server: one row per login (the cookie holds only its random key), failed passwords.

A login ends when its row is gone: logging out deletes it, "log out everywhere" and deactivation delete
every row of that person, and a copied cookie then finds nothing. Only a hash of the key is stored, so
a copy of the database does not log anyone in.

Failed passwords are counted per scope (account, address, account at address) under a keyed hash,
never the e-mail or the address itself.
"""
import hashlib
import secrets
from datetime import timedelta

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .people import Staff, Youth

SEEN_EVERY = timedelta(minutes=5)    # how often "last seen" is written (not on every request)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Login(BaseModel):
    """One login of a staff member or a youth on one device: created, last seen, until."""
    key_hash = CharField(max_length=64, unique=True)
    staff = ForeignKeyField(Staff, null=True, backref="logins", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, null=True, backref="logins", on_delete="CASCADE")
    last_seen_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)

    @classmethod
    def start(cls, user, lifetime: timedelta) -> tuple["Login", str]:
        """A new login for `user`; returns the row and the random key for the cookie (shown only once)."""
        key = secrets.token_urlsafe(32)
        now = utcnow()
        login = cls.create(key_hash=key_hash(key), expires_at=now + lifetime, last_seen_at=now,
                           staff=user.id if user.is_staff else None, youth=user.id if user.is_youth else None)
        return login, key

    @classmethod
    def find(cls, key) -> "Login | None":
        """The live login with this cookie key, or None (ended, expired or never existed)."""
        if not isinstance(key, str) or not key or len(key) > 100:
            return None
        login = cls.get_or_none(cls.key_hash == key_hash(key))
        if login is None or login.expires_at <= utcnow():
            return None
        return login

    def belongs_to(self, user) -> bool:
        column = self.staff_id if user.is_staff else self.youth_id
        return column == user.id

    def seen(self):
        """Record that this login was used (at most every few minutes)."""
        now = utcnow()
        if now - self.last_seen_at >= SEEN_EVERY:
            Login.update(last_seen_at=now).where(Login.id == self.id).execute()
            self.last_seen_at = now

    def end(self):
        Login.delete().where(Login.id == self.id).execute()

    @classmethod
    def of(cls, user):
        column = cls.staff if user.is_staff else cls.youth
        return cls.select().where(column == user.id)

    @classmethod
    def end_all(cls, user, keep=None) -> int:
        """End every login of `user` (except `keep`); returns how many ended."""
        column = cls.staff if user.is_staff else cls.youth
        query = cls.delete().where(column == user.id)
        if keep is not None:
            query = query.where(cls.id != keep.id)
        return query.execute()

    @classmethod
    def remove_expired(cls, now=None) -> int:
        return cls.delete().where(cls.expires_at <= (now or utcnow())).execute()


class LoginFailure(BaseModel):
    """Failed passwords in one scope ("account", "address", "pair") under a keyed hash of its value."""
    scope_hash = CharField(max_length=64, unique=True)
    failures = IntegerField(default=0)
    last_failed_at = DateTimeField(default=utcnow, index=True)
    blocked_until = DateTimeField(null=True)

    @classmethod
    def lookup(cls, scope_hash):
        return cls.get_or_none(cls.scope_hash == scope_hash)

    @classmethod
    def clear(cls, *scope_hashes):
        if scope_hashes:
            cls.delete().where(cls.scope_hash.in_(scope_hashes)).execute()

    @classmethod
    def remove_stale(cls, before) -> int:
        return cls.delete().where(cls.last_failed_at < before).execute()
