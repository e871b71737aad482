"""People: verified staff with public identities, anonymous youth, and the audit log."""
import secrets

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField
from werkzeug.security import check_password_hash, generate_password_hash

from ..config import password_hash_method
from .base import BaseModel, JSONField, utcnow
from .places import Sector, YouthCentre


def new_epoch() -> str:
    return secrets.token_urlsafe(12)


class Staff(UserMixin, BaseModel):
    """A police officer, youth worker, youth-centre organiser or city admin. Public and verified."""
    OFFICER, YOUTH_WORKER, ORGANISER, ADMIN = "officer", "youth_worker", "organiser", "admin"
    ROLES = (OFFICER, YOUTH_WORKER, ORGANISER, ADMIN)

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=120)
    role = CharField(max_length=20, index=True)
    title = CharField(max_length=120, null=True)
    bio = TextField(null=True)
    languages = CharField(max_length=60, default="fi,en")
    photo = CharField(max_length=200, null=True)
    password_hash = CharField(max_length=256)
    sector = ForeignKeyField(Sector, null=True, backref="staff", on_delete="SET NULL")
    youth_centre = ForeignKeyField(YouthCentre, null=True, backref="staff", on_delete="SET NULL")
    verified_at = DateTimeField(null=True)
    verified_by = ForeignKeyField("self", null=True, on_delete="SET NULL")
    active = BooleanField(default=True)
    session_epoch = CharField(max_length=32, default=new_epoch)   # rotating it ends every login
    last_login_at = DateTimeField(null=True)

    is_staff = True
    is_youth = False

    # flask-login
    def get_id(self):
        return f"staff:{self.id}:{self.session_epoch}"

    @property
    def is_active(self):
        return bool(self.active)

    @property
    def is_verified(self):
        return self.verified_at is not None

    def can_act_as(self, *roles) -> bool:
        """Verified, active staff whose role is one of `roles` (any role when none given)."""
        return self.active and self.is_verified and (not roles or self.role in roles)

    def set_password(self, password: str):
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_logins(self):
        """Every login of this account ends: its login records go, and older cookies fail the epoch check."""
        self.session_epoch = new_epoch()
        Login = Staff.logins.rel_model          # backend/models/logins.py (it imports this module)
        Login.delete().where(Login.staff == self).execute()

    def public(self) -> dict:
        """What anyone may see of a staff member."""
        return {
            "id": self.id, "name": self.name, "role": self.role, "title": self.title,
            "bio": self.bio, "languages": [l for l in (self.languages or "").split(",") if l],
            "photo": self.photo, "verified": self.is_verified,
            "sector_id": self.sector_id, "youth_centre_id": self.youth_centre_id,
        }

    @classmethod
    def register(cls, email, name, role, password, sector=None, youth_centre=None, verified_by=None, **profile):
        """Create a staff account (unverified unless `verified_by` is given). Caller holds a transaction."""
        if role not in cls.ROLES:
            raise ValueError(f"role must be one of {', '.join(cls.ROLES)}")
        staff = cls(email=email.strip().lower(), name=name.strip(), role=role, sector=sector,
                    youth_centre=youth_centre, **profile)
        staff.set_password(password)
        if verified_by is not None:
            staff.verified_at = utcnow()
            staff.verified_by = verified_by if isinstance(verified_by, Staff) else None
        staff.save(force_insert=True)
        return staff

    def verify(self, admin=None):
        self.verified_at = self.verified_at or utcnow()
        self.verified_by = admin
        self.save()

    def deactivate(self):
        """No longer active; every existing login of this account stops working at once."""
        self.active = False
        self.end_all_logins()
        self.save()

    @classmethod
    def active_staff(cls):
        return cls.select().where(cls.active == True)  # noqa: E712

    @classmethod
    def by_email(cls, email: str):
        return cls.get_or_none(cls.email == email.strip().lower())


class Youth(UserMixin, BaseModel):
    """An anonymous young person: a generated handle and nothing else."""
    handle = CharField(max_length=32, unique=True)
    session_epoch = CharField(max_length=32, default=new_epoch)
    last_seen_at = DateTimeField(default=utcnow)

    is_staff = False
    is_youth = True
    role = "youth"
    is_verified = False

    def get_id(self):
        return f"youth:{self.id}:{self.session_epoch}"

    def can_act_as(self, *roles) -> bool:
        return False

    def erase(self):
        """Delete this youth and everything linked to them (foreign keys cascade)."""
        self.delete_instance(recursive=True, delete_nullable=True)


class AuditLog(BaseModel):
    """Who (staff) did what to what: moderation, verification, removals."""
    actor = ForeignKeyField(Staff, null=True, backref="audit_entries", on_delete="SET NULL")
    action = CharField(max_length=60, index=True)
    target_type = CharField(max_length=40, null=True)
    target_id = IntegerField(null=True)
    detail = JSONField(null=True)

    @classmethod
    def record(cls, actor, action, target=None, **detail):
        return cls.create(actor=actor if getattr(actor, "is_staff", False) else None, action=action,
                          target_type=type(target).__name__ if target is not None else None,
                          target_id=getattr(target, "id", None), detail=detail or None)
