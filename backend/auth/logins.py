"""Logins kept on the server: the session cookie carries a random key, the Login row says who and until when.

`start_login` begins one, `end_this_login` ends the current one (logout), `end_logins(user)` ends every
login of a staff member or a youth (log out everywhere, deactivation). The user loader accepts a cookie
only while its row exists, so a copied cookie stops working when the login ends.
"""
from datetime import timedelta

from flask import g, session
from flask_login import login_user, logout_user

from ..models import Staff, Youth
from ..models.logins import Login

SESSION_KEY = "login"


def start_login(user, lifetime: timedelta) -> Login:
    """A fresh session cookie for `user` with its own server-side login, valid for `lifetime`."""
    old = current_login()
    if old is not None:
        old.end()
    Login.remove_expired()          # retention: expired logins go when anyone logs in
    login, key = Login.start(user, lifetime)
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = key
    login_user(user, remember=False)
    g.tuttu_login = login
    return login


def current_login() -> Login | None:
    """The live login of this request's cookie, if any."""
    if "tuttu_login" not in g:
        g.tuttu_login = Login.find(session.get(SESSION_KEY))
    return g.tuttu_login


def end_this_login():
    """Log out here: the login ends on the server, the cookie is emptied."""
    login = current_login()
    if login is not None:
        login.end()
    g.tuttu_login = None
    logout_user()
    session.clear()


def end_logins(user, keep: Login | None = None) -> int:
    """End every login of `user` (a Staff or a Youth), except `keep`; returns how many ended.

    The console calls this when it deactivates a staff member; "log out everywhere" calls it too.
    """
    return Login.end_all(user, keep=keep)


end_all_logins = end_logins


def load_user(user_id: str):
    """Resolve 'staff:<id>:<epoch>' or 'youth:<id>:<epoch>' when this cookie's server-side login is live."""
    try:
        kind, pk, epoch = user_id.split(":", 2)
        model = {"staff": Staff, "youth": Youth}[kind]
        pk = int(pk)
    except (ValueError, KeyError, AttributeError):
        return None
    login = current_login()
    if login is None or not (-2**63 <= pk < 2**63):
        return None
    user = model.get_or_none(model.id == pk)
    if user is None or user.session_epoch != epoch or not getattr(user, "is_active", True):
        return None
    if not login.belongs_to(user):
        return None
    login.seen()
    return user
