"""The city's settings in the console: helplines shown to youth, extra words for the chat's hold and flag
lists per language, retention periods, and which roles must use a second factor. Stored in the database
(Setting); where a setting was never saved, the environment's value applies (README's table)."""
from typing import Literal

from flask import Blueprint, current_app, jsonify
from pydantic import AnyHttpUrl, Field

from ..api import Body, Line, api, json_body
from ..auth import current_staff, staff_required
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, Setting, Staff
from .factors import POLICY_KEY, require_recent_factor

bp = Blueprint("console_settings", __name__)

LANGUAGES = ("fi", "sv", "da", "uk", "en")
RETENTION = {   # setting -> (config key, default days, at least, at most)
    "chat_keep_days": ("CHAT_KEEP_DAYS", 30, 1, 365),
    "chat_keep_held_days": ("CHAT_KEEP_HELD_DAYS", 7, 1, 90),
    "chat_keep_concern_days": ("CHAT_KEEP_CONCERN_DAYS", 90, 7, 730),
    "meetup_personal_data_days": ("MEETUP_PERSONAL_DATA_DAYS", 14, 1, 90),
    "audit_keep_days": ("AUDIT_KEEP_DAYS", 730, 90, 3650),
}


def retention_key(config_key: str) -> str:
    return f"retention.{config_key}"


def helplines() -> list:
    """The helplines youth see: the console's list when saved, else TUTTU_HELPLINES / the defaults."""
    return Setting.value_of("helplines", current_app.config.get("HELPLINES", []))


def retention_days(config_key: str) -> int:
    """A keep period in days: the console's value when saved, else the environment's."""
    name = next(n for n, spec in RETENTION.items() if spec[0] == config_key)
    return Setting.retention_days(config_key, current_app.config, RETENTION[name][1])


def city_words(kind: str) -> dict:
    """{lang: [word or phrase, ...]} the city added to the `kind` ("hold" or "flag") lists."""
    return {lang: Setting.value_of(f"wordlist.{kind}.{lang}", []) for lang in LANGUAGES}


class Helpline(Body):
    id: Line(40) | None = None
    name: Line(120)
    number: Line(40) | None = None
    url: AnyHttpUrl | None = None
    hours: Line(60) | None = None


class HelplinesBody(Body):
    helplines: list[Helpline] | None = Field(max_length=12)     # null: back to the environment's list


class WordListBody(Body):
    hold: list[Line(80)] = Field(default_factory=list, max_length=500)
    flag: list[Line(80)] = Field(default_factory=list, max_length=500)


class RetentionBody(Body):
    chat_keep_days: int | None = None
    chat_keep_held_days: int | None = None
    chat_keep_concern_days: int | None = None
    meetup_personal_data_days: int | None = None


class FactorPolicyBody(Body):
    roles: list[Literal["officer", "youth_worker", "organiser", "admin"]] = Field(max_length=4)


def settings_payload() -> dict:
    cfg = current_app.config
    return {
        "helplines": helplines(),
        "helplines_from": "console" if Setting.value_of("helplines") is not None else "environment",
        "retention": {name: {"days": retention_days(spec[0]), "default": cfg.get(spec[0], spec[1]),
                             "min": spec[2], "max": spec[3]} for name, spec in RETENTION.items()},
        "word_lists": {lang: {"hold": Setting.value_of(f"wordlist.hold.{lang}", []),
                              "flag": Setting.value_of(f"wordlist.flag.{lang}", [])} for lang in LANGUAGES},
        "second_factor_roles": Setting.value_of(POLICY_KEY, []),
    }


@bp.get("/api/console/settings")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def show_settings():
    """Every console setting with its effective value (admin)."""
    return jsonify(settings_payload())


@bp.put("/api/console/settings/helplines")
@staff_required(Staff.ADMIN)
@api.validate(json=HelplinesBody, tags=["console"])
def save_helplines():
    """The helplines shown to youth ("Need help now?"); null returns to the environment's list (admin)."""
    body = json_body()
    with db.atomic():
        if body.helplines is None:
            Setting.clear("helplines")
        else:
            lines = [{k: (str(v) if k == "url" and v else v) for k, v in line.model_dump().items() if v is not None}
                     for line in body.helplines]
            for n, line in enumerate(lines):
                line.setdefault("id", f"line-{n + 1}")
                if not line.get("number") and not line.get("url"):
                    raise ApiError(422, "invalid", "Each helpline needs a number or a web address.",
                                   {f"helplines.{n}.number": "give a number or a web address"})
            Setting.put("helplines", lines, current_staff())
        AuditLog.record(current_staff(), "settings.helplines", count=len(body.helplines or []),
                        reset=body.helplines is None)
    return jsonify(settings_payload())


@bp.put("/api/console/settings/word-lists/<lang>")
@staff_required(Staff.ADMIN)
@api.validate(json=WordListBody, tags=["console"])
def save_word_list(lang):
    """The city's own words for one language: held for a moderator (hold) or marked 'may need help' (flag)."""
    if lang not in LANGUAGES:
        raise ApiError(404, "not_found", "No word list for that language.")
    require_recent_factor(current_staff())
    body = json_body()
    clean = lambda words: sorted({w.strip().lower() for w in words if w.strip()})
    with db.atomic():
        Setting.put(f"wordlist.hold.{lang}", clean(body.hold), current_staff())
        Setting.put(f"wordlist.flag.{lang}", clean(body.flag), current_staff())
        AuditLog.record(current_staff(), "settings.word_list", language=lang, hold=len(clean(body.hold)),
                        flag=len(clean(body.flag)))
    from ..chat.moderation import forget_city_words  # this process at once; others within 30 s
    forget_city_words()
    return jsonify(settings_payload())


@bp.put("/api/console/settings/retention")
@staff_required(Staff.ADMIN)
@api.validate(json=RetentionBody, tags=["console"])
def save_retention():
    """How long chat messages, held messages, concerns and meetup personal data are kept, in days (admin)."""
    body = json_body().model_dump(exclude_unset=True)
    if not body:
        raise ApiError(422, "invalid", "Nothing to change.", {"body": "name a period to change"})
    problems = {}
    for name, days in body.items():
        _, _, low, high = RETENTION[name]
        if days is not None and not low <= days <= high:
            problems[name] = f"must be between {low} and {high} days"
    if problems:
        raise ApiError(422, "invalid", "Some periods are out of range.", problems)
    require_recent_factor(current_staff())
    with db.atomic():
        for name, days in body.items():
            key = retention_key(RETENTION[name][0])
            Setting.clear(key) if days is None else Setting.put(key, days, current_staff())
        AuditLog.record(current_staff(), "settings.retention", **body)
    return jsonify(settings_payload())


@bp.put("/api/console/settings/second-factor")
@staff_required(Staff.ADMIN)
@api.validate(json=FactorPolicyBody, tags=["console"])
def save_factor_policy():
    """Which roles must use a second factor (admin)."""
    roles = sorted(set(json_body().roles))
    require_recent_factor(current_staff())
    with db.atomic():
        Setting.put(POLICY_KEY, roles, current_staff())
        AuditLog.record(current_staff(), "settings.second_factor", roles=roles)
    return jsonify(settings_payload())
