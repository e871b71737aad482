"""The staff console: invitations, the city's settings, and staff second factors (TOTP, recovery codes)."""
import hashlib
import secrets
from datetime import timedelta

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField
from werkzeug.security import check_password_hash, generate_password_hash

from .base import BaseModel, JSONField, utcnow
from .people import Staff
from .places import Sector, YouthCentre

INVITE_DAYS = 7


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Invite(BaseModel):
    """An admin's invitation to sign up as staff for a role and place: valid once, for INVITE_DAYS days.
    Only the token's digest is stored; the link with the token is shown once, to the admin who made it."""
    token_hash = CharField(max_length=64, unique=True)
    role = CharField(max_length=20)
    sector = ForeignKeyField(Sector, null=True, on_delete="CASCADE")
    youth_centre = ForeignKeyField(YouthCentre, null=True, on_delete="CASCADE")
    note = CharField(max_length=120, null=True)            # who it is for, as the admin wrote it
    created_by = ForeignKeyField(Staff, null=True, backref="invites_made", on_delete="SET NULL")
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    used_by = ForeignKeyField(Staff, null=True, backref="invite_used", on_delete="SET NULL")
    revoked_at = DateTimeField(null=True)

    @classmethod
    def issue(cls, admin, role, sector=None, youth_centre=None, note=None, now=None):
        """A new invite and its secret token (the token is not stored)."""
        token = secrets.token_urlsafe(24)
        now = now or utcnow()
        invite = cls.create(token_hash=token_digest(token), role=role, sector=sector, youth_centre=youth_centre,
                            note=note, created_by=admin, expires_at=now + timedelta(days=INVITE_DAYS),
                            created_at=now)
        return invite, token

    @classmethod
    def by_token(cls, token: str):
        return cls.get_or_none(cls.token_hash == token_digest(token or ""))

    def state(self, now=None) -> str:
        now = now or utcnow()
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "open"

    def take(self, staff) -> bool:
        """Mark used by `staff`, atomically: False when someone else used it first."""
        taken = (Invite.update(used_at=utcnow(), used_by=staff)
                 .where((Invite.id == self.id) & Invite.used_at.is_null() & Invite.revoked_at.is_null()
                        & (Invite.expires_at > utcnow()))
                 .execute())
        return taken == 1

    @classmethod
    def newest_first(cls):
        return cls.select().order_by(cls.created_at.desc(), cls.id.desc())


class Setting(BaseModel):
    """A setting the city changes in the console (helplines, word lists, retention, second-factor policy).
    Stored as JSON; when a key is absent the environment's value (app config) applies."""
    key = CharField(max_length=80, unique=True)
    value = JSONField(null=True)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    @classmethod
    def value_of(cls, key: str, default=None):
        row = cls.get_or_none(cls.key == key)
        return default if row is None or row.value is None else row.value

    @classmethod
    def put(cls, key: str, value, staff=None):
        row = cls.get_or_none(cls.key == key)
        if row is None:
            return cls.create(key=key, value=value, updated_by=staff)
        row.value, row.updated_by, row.updated_at = value, staff, utcnow()
        row.save()
        return row

    @classmethod
    def retention_days(cls, config_key: str, config, default: int) -> int:
        """A keep period in days: the console's "retention.<KEY>" when saved, else the app config's KEY."""
        return int(cls.value_of(f"retention.{config_key}", config.get(config_key, default)))

    @classmethod
    def clear(cls, key: str):
        cls.delete().where(cls.key == key).execute()

    @classmethod
    def starting_with(cls, prefix: str) -> dict:
        return {row.key: row.value for row in cls.select().where(cls.key.startswith(prefix))}


class StaffFactor(BaseModel):
    """A staff member's second factor: a TOTP secret (confirmed once the first code matched)."""
    staff = ForeignKeyField(Staff, backref="factors", on_delete="CASCADE")
    kind = CharField(max_length=16, default="totp")
    secret = CharField(max_length=64)
    confirmed_at = DateTimeField(null=True)
    last_counter = IntegerField(default=0)         # the last TOTP time step used: a code works once

    @classmethod
    def confirmed_for(cls, staff):
        return cls.get_or_none((cls.staff == staff) & cls.confirmed_at.is_null(False))

    @classmethod
    def staff_ids_with_factor(cls) -> set:
        """Ids of staff with a confirmed authenticator app or a passkey."""
        return ({row.staff_id for row in cls.select(cls.staff).where(cls.confirmed_at.is_null(False))}
                | {row.staff_id for row in StaffPasskey.select(StaffPasskey.staff)})


class RecoveryCode(BaseModel):
    """A one-time recovery code for a lost second factor; only its hash is kept."""
    staff = ForeignKeyField(Staff, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=256)
    used_at = DateTimeField(null=True)

    @classmethod
    def issue(cls, staff, count=10) -> list[str]:
        cls.delete().where(cls.staff == staff).execute()
        codes = ["-".join(secrets.token_hex(2) for _ in range(4)) for _ in range(count)]   # 64 bits each
        for code in codes:
            cls.create(staff=staff, code_hash=generate_password_hash(code, method="pbkdf2:sha256:60000"))
        return codes

    @classmethod
    def use(cls, staff, code: str) -> bool:
        code = (code or "").strip().lower().replace(" ", "")
        for row in cls.select().where((cls.staff == staff) & cls.used_at.is_null()):
            if check_password_hash(row.code_hash, code):
                return cls.update(used_at=utcnow()).where((cls.id == row.id) & cls.used_at.is_null()).execute() == 1
        return False

    @classmethod
    def left(cls, staff) -> int:
        return cls.select().where((cls.staff == staff) & cls.used_at.is_null()).count()


class CentreRetirement(BaseModel):
    """A youth centre the city no longer uses: kept for its past meetups, hidden from new ones."""
    youth_centre = ForeignKeyField(YouthCentre, unique=True, backref="retirement", on_delete="CASCADE")
    retired_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    note = TextField(null=True)

    @classmethod
    def centre_ids(cls) -> set:
        """The ids of every retired youth centre (one query, for a list of centres)."""
        return {row.youth_centre_id for row in cls.select(cls.youth_centre)}


class StaffPasskey(BaseModel):
    """A staff member's passkey (WebAuthn credential) as a second factor: only its public key is kept."""
    staff = ForeignKeyField(Staff, backref="passkeys", on_delete="CASCADE")
    credential_id = CharField(max_length=1400, unique=True)     # base64url
    public_key = TextField()                                    # base64url COSE key
    sign_count = IntegerField(default=0)
    name = CharField(max_length=60, default="Passkey")
    last_used_at = DateTimeField(null=True)

    @classmethod
    def of(cls, staff):
        return cls.select().where(cls.staff == staff).order_by(cls.id)


class MonthlyVisits(BaseModel):
    """How many browsers opened the app in a month: each counts itself once a month (it remembers the month
    in its own storage) and sends nothing that identifies it; no address, cookie or id is stored here."""
    month = CharField(max_length=7, unique=True)      # "2026-11"
    visitors = IntegerField(default=0)

    @classmethod
    def count_one(cls, month: str):
        cls.insert(month=month, visitors=1).on_conflict(
            conflict_target=[cls.month], update={cls.visitors: cls.visitors + 1}).execute()

    @classmethod
    def by_month(cls, months) -> dict:
        return {row.month: row.visitors for row in cls.select().where(cls.month.in_(list(months)))}
