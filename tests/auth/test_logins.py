"""Logout means logged out: logins live on the server, a copied cookie stops working when they end."""
from backend.auth import end_logins
from backend.models import Staff, Youth
from backend.models.logins import Login


def copy_of(api, new_client):
    """A second browser holding a copy of `api`'s session cookie (as a thief or a shared device would)."""
    thief = new_client()
    cookie = api.http.get_cookie("tuttu")
    assert cookie is not None
    thief.http.set_cookie("tuttu", cookie.value)
    return thief


def test_a_copied_youth_cookie_stops_working_after_logout(client, new_client):
    me = client.become_youth()
    copy = copy_of(client, new_client)
    assert copy.get("/api/me").json == me          # the copy works while the login lasts

    assert client.post("/api/auth/logout").json == {"kind": "visitor"}

    assert copy.get("/api/me").json == {"kind": "visitor"}
    assert copy.patch("/api/me", {"handle": "stolen_name"}).status_code in (401, 403)
    assert Youth.get_by_id(me["id"]).handle == me["handle"]


def test_a_copied_staff_cookie_stops_working_after_logout(as_role, new_client):
    officer = as_role("officer")
    copy = copy_of(officer, new_client)
    assert copy.get("/api/me").json["kind"] == "staff"

    officer.post("/api/auth/logout")

    assert copy.get("/api/me").json == {"kind": "visitor"}
    assert copy.post("/api/posts", {"text": "Not me"}).status_code == 401


def test_each_login_is_a_row_with_created_and_last_seen(as_role, city):
    officer = city["staff"]["officer"]
    first, second = as_role("officer"), as_role("officer")
    logins = list(Login.of(officer))
    assert len(logins) == 2
    assert all(l.created_at and l.last_seen_at and l.expires_at > l.created_at for l in logins)
    first.post("/api/auth/logout")
    assert Login.of(officer).count() == 1
    assert second.get("/api/me").json["kind"] == "staff"     # logging out one device leaves the other


def test_staff_log_out_everywhere(as_role, new_client, city):
    laptop, phone = as_role("officer"), as_role("officer")
    stolen = copy_of(phone, new_client)

    response = laptop.post("/api/auth/logout-everywhere")

    assert response.status_code == 200
    assert response.json["kind"] == "visitor" and response.json["ended"] == 2
    for device in (laptop, phone, stolen):
        assert device.get("/api/me").json == {"kind": "visitor"}
    assert Login.of(city["staff"]["officer"]).count() == 0
    laptop._token = None
    assert laptop.login("officer@test.fi").status_code == 200      # the password still works


def test_youth_log_out_everywhere_keeps_only_this_device(client, new_client):
    me = client.become_youth()
    stolen = copy_of(client, new_client)

    response = client.post("/api/auth/logout-everywhere")

    assert response.status_code == 200 and response.json["ended"] == 1
    assert stolen.get("/api/me").json == {"kind": "visitor"}
    assert client.get("/api/me").json == me          # this device keeps the anonymous name
    assert Login.of(Youth.get_by_id(me["id"])).count() == 1


def test_log_out_everywhere_needs_a_login(client):
    assert client.post("/api/auth/logout-everywhere").status_code == 401


def test_end_logins_for_the_console(as_role, city):
    """What the console calls when it ends every login of a staff member."""
    officer = as_role("officer")
    assert end_logins(Staff.get_by_id(city["staff"]["officer"].id)) == 1
    assert officer.get("/api/me").json == {"kind": "visitor"}


def test_erasing_a_youth_ends_its_logins(client, new_client):
    client.become_youth()
    copy = copy_of(client, new_client)
    assert client.delete("/api/me").status_code == 204
    assert copy.get("/api/me").json == {"kind": "visitor"}
    assert Login.select().count() == 0


def test_an_expired_login_is_refused_and_removed(client, new_client):
    me = client.become_youth()
    Login.update(expires_at=Login.created_at).execute()
    assert client.get("/api/me").json == {"kind": "visitor"}
    new_client().become_youth()                     # any new login removes expired rows
    assert Login.select().where(Login.youth == me["id"]).count() == 0


def test_the_cookie_holds_a_random_key_and_the_database_only_its_hash(client):
    client.become_youth()
    key = client.http.get_cookie("tuttu").value
    login = Login.get()
    assert len(login.key_hash) == 64 and login.key_hash not in key
