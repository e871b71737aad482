"""Push reminders: the VAPID key, subscribing with preferences, a test notification, staff stats."""
import base64
import hmac
from typing import Literal

from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from pydantic import ConfigDict, Field, ValidationError, field_validator

from ..api import DELETE_BODIES, Body, api, field_errors, json_body, query_args
from ..auth import identity_key, staff_required
from ..auth.limits import setting
from ..clock import iso
from ..db import db
from ..errors import ApiError
from ..models.chat import ChatSession
from ..models.push import Delivery, Notification, PushSubscription
from ..security import limiter
from .delivery import vapid_keys
from .notify import notify_test
from .sender import EndpointRefused, check_endpoint
from .texts import LANGUAGES

bp = Blueprint("push", __name__)
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


def _b64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        raise ValueError("must be base64url") from None


class Keys(Body):
    p256dh: str = Field(max_length=120)
    auth: str = Field(max_length=40)

    @field_validator("p256dh")
    @classmethod
    def _point(cls, value):
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url(value))
        except ValueError:
            raise ValueError("must be the browser's P-256 public key") from None
        return value

    @field_validator("auth")
    @classmethod
    def _secret(cls, value):
        if len(_b64url(value)) != 16:
            raise ValueError("must be the browser's 16-byte auth secret")
        return value


class QuietHours(Body):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str = Field(alias="from", pattern=HHMM)
    until: str = Field(pattern=HHMM)


class Preferences(Body):
    lead_times: list[Literal["day", "hour", "quarter", "start"]] | None = Field(None, max_length=4)
    posts: bool | None = None
    meetups: bool | None = None
    quiet_hours: QuietHours | None = None

    def apply(self, subscription):
        quiet = self.quiet_hours and {"from": self.quiet_hours.from_, "until": self.quiet_hours.until}
        subscription.set_preferences(self.lead_times, self.posts, self.meetups, quiet)


class EndpointBody(Body):
    endpoint: str = Field(min_length=12, max_length=1000)


class SubscriptionBody(EndpointBody):
    keys: Keys
    preferences: Preferences | None = None
    lang: Literal[LANGUAGES] | None = None
    old_endpoint: str | None = Field(None, max_length=1000)


class PreferencesBody(EndpointBody):
    preferences: Preferences


def _login_required():
    if not current_user.is_authenticated:
        raise ApiError(401, "login_required", "Tap 'Start' to get your anonymous name first.")
    return current_user


def _owned(user, endpoint):
    subscription = PushSubscription.owned_by(user).where(PushSubscription.endpoint == endpoint).first()
    if subscription is None:
        raise ApiError(404, "not_subscribed", "This device is not subscribed. Tap 'Remind me' first.")
    return subscription


def _same_owner(subscription, user) -> bool:
    if getattr(user, "is_youth", False):
        return subscription.youth_id == user.id
    return subscription.staff_id == user.id


def _same_keys(subscription, keys) -> bool:
    """The caller knows the subscription's own keys (its browser does; someone who saw the endpoint not)."""
    return (hmac.compare_digest(subscription.p256dh.encode(), keys.p256dh.encode())
            and hmac.compare_digest(subscription.auth.encode(), keys.auth.encode()))


def _public(subscription):
    return {"endpoint": subscription.endpoint, "lang": subscription.lang,
            "preferences": subscription.preferences()}


@bp.get("/api/push/key")
@api.validate(tags=["push"])
def public_key():
    """The VAPID public key the browser subscribes with (applicationServerKey)."""
    return jsonify({"key": vapid_keys().public_key})


@bp.post("/api/push/subscriptions")
@limiter.limit("30 per hour", key_func=identity_key)
@limiter.limit(setting("PER_ADDRESS_LIMIT"))
@api.validate(json=SubscriptionBody, tags=["push"])
def subscribe():
    """Store this device's push subscription (or renew it) with its preferences."""
    user, body = _login_required(), json_body()
    try:
        check_endpoint(body.endpoint, current_app.config.get("PUSH_ALLOW_LOOPBACK", False))
    except EndpointRefused as e:
        raise ApiError(422, "invalid", "This browser's push service can't be used.", {"endpoint": str(e)}) from None
    with db.atomic():
        subscription = PushSubscription.get_or_none(PushSubscription.endpoint == body.endpoint)
        if subscription is not None and not _same_owner(subscription, user) and not _same_keys(subscription, body.keys):
            # Someone else's endpoint: only the browser that holds this subscription's keys may move it.
            raise ApiError(409, "endpoint_taken", "This push endpoint belongs to someone else.",
                           {"endpoint": "is registered by another identity"})
        created = subscription is None
        if created and body.old_endpoint:   # pushsubscriptionchange: the old one's preferences carry over
            subscription = PushSubscription.owned_by(user).where(
                PushSubscription.endpoint == body.old_endpoint).first()
        subscription = subscription or PushSubscription(endpoint=body.endpoint)
        subscription.endpoint, subscription.p256dh, subscription.auth = body.endpoint, body.keys.p256dh, body.keys.auth
        subscription.youth = user.id if getattr(user, "is_youth", False) else None
        subscription.staff = user.id if getattr(user, "is_staff", False) else None
        subscription.lang = body.lang or subscription.lang
        if body.preferences:
            body.preferences.apply(subscription)
        subscription.save()
    return jsonify({"subscription": _public(subscription)}), 201 if created else 200


@bp.delete("/api/push/subscriptions")
@api.validate(tags=["push"])
def unsubscribe():
    """Forget this device's subscription (body: {"endpoint"}): no more notifications."""
    user = _login_required()
    try:    # spectree does not read bodies of DELETE requests
        body = EndpointBody.model_validate(request.get_json(silent=True) or {})
    except ValidationError as e:
        raise ApiError(422, "invalid", "Some fields need attention.", field_errors(e)) from None
    _owned(user, body.endpoint).delete_instance()
    return "", 204


DELETE_BODIES[("DELETE", "/api/push/subscriptions")] = EndpointBody    # documented in /api/openapi.json


class EndpointQuery(Body):
    endpoint: str = Field(min_length=12, max_length=1000)


@bp.get("/api/push/preferences")
@api.validate(query=EndpointQuery, tags=["push"])
def preferences():
    """This device's notification preferences."""
    return jsonify({"subscription": _public(_owned(_login_required(), query_args().endpoint))})


@bp.put("/api/push/preferences")
@api.validate(json=PreferencesBody, tags=["push"])
def change_preferences():
    """Change what this device is reminded of, and its quiet hours."""
    body = json_body()
    subscription = _owned(_login_required(), body.endpoint)
    body.preferences.apply(subscription)
    subscription.save()
    return jsonify({"subscription": _public(subscription)})


@bp.post("/api/push/test")
@limiter.limit("5 per minute; 20 per day", key_func=identity_key)
@api.validate(json=EndpointBody, tags=["push"])
def send_test():
    """Send this device a test notification through the normal delivery path."""
    note = notify_test(_owned(_login_required(), json_body().endpoint))
    return jsonify({"notification": note.id, "deliveries": note.counts()}), 202


def _summary(counts: dict) -> dict:
    return {"targeted": sum(counts.values()), "pending": counts.get("queued", 0) + counts.get("sending", 0),
            "delivered": counts.get("sent", 0),
            "dropped": sum(counts.get(s, 0) for s in ("gone", "failed", "dropped"))}


@bp.get("/api/push/stats/sessions/<int:session_id>")
@staff_required()
@api.validate(tags=["push"])
def session_stats(session_id):
    """How many reminders a session sent, delivered and dropped (per lead time and in total)."""
    session = ChatSession.get_by_id(session_id)
    notes = Notification.select().where(Notification.kind == "session", Notification.ref == session.id)
    reminders = [{"lead": n.key.rsplit(":", 1)[-1], "created_at": iso(n.created_at),
                  **_summary(n.counts())} for n in notes.order_by(Notification.created_at)]
    total = _summary(Delivery.counts(Delivery.notification.in_(notes)))
    return jsonify({"session": session.id, "reminders": reminders, "total": total,
                    "subscriptions": PushSubscription.select().count()})
