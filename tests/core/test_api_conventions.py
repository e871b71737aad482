"""The one error shape, bad input, CSRF and the security headers."""

from backend.models import Staff


def assert_error(response, status, code=None):
    assert response.status_code == status, response.json
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_state_change_without_the_csrf_token_is_refused(client):
    response = client.http.post("/api/youth")
    assert_error(response, 403, "csrf_failed")


def test_cross_site_post_is_refused_even_with_a_token(client):
    response = client.post("/api/youth", headers={"Origin": "https://evil.example"})
    assert_error(response, 403, "cross_site")
    response = client.post("/api/youth", headers={"Sec-Fetch-Site": "cross-site"})
    assert_error(response, 403, "cross_site")


def test_same_origin_post_is_accepted(client):
    assert client.post("/api/youth", headers={"Origin": "http://localhost"}).status_code == 201


def test_malformed_json_is_a_400(client, city):
    response = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert_error(response, 400, "malformed_json")


def test_json_that_is_not_an_object_is_a_400(client, city):
    response = client.post("/api/auth/login", json=["a", "b"])
    assert_error(response, 400, "malformed_json")


def test_wrong_content_type_is_a_415(client, city):
    response = client.post("/api/auth/login", data="email=a", content_type="text/plain")
    assert_error(response, 415)


def test_unknown_fields_and_wrong_types_name_the_field(client, city):
    error = assert_error(client.post("/api/auth/login", {"email": "a@b.fi", "password": "x", "admin": True}), 422)
    assert error["fields"] == {"admin": "is not a known field"}
    error = assert_error(client.post("/api/auth/login", {"email": 5, "password": "x"}), 422)
    assert "email" in error["fields"]


def test_control_characters_and_over_long_strings_are_refused(client, new_client):
    client.become_youth()
    error = assert_error(client.patch("/api/me", {"handle": "Nice\u0000Lynx"}), 422)
    assert "handle" in error["fields"]
    error = assert_error(client.patch("/api/me", {"handle": "x" * 200}), 422)
    assert "handle" in error["fields"]


def test_oversized_json_body_is_a_413_and_nothing_is_written(client):
    body = {"email": "a@b.fi", "name": "x" * (70 * 1024), "role": "officer", "password": "long enough pass"}
    assert_error(client.post("/api/staff/signup", body), 413)
    assert Staff.select().count() == 0


def test_duplicate_email_is_409_and_database_unchanged(client, city):
    before = Staff.select().count()
    body = {"email": "officer@test.fi", "name": "Copy Cat", "role": "officer", "password": "long enough pass"}
    assert_error(client.post("/api/staff/signup", body), 409)
    assert Staff.select().count() == before


def test_security_headers_on_every_response(client):
    for path in ("/", "/api/me", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "default-src 'self'"):
            assert directive in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_hsts_only_behind_https(client):
    assert "Strict-Transport-Security" not in client.get("/api/me").headers
    secure = client.http.get("/api/me", base_url="https://localhost")
    assert "max-age" in secure.headers["Strict-Transport-Security"]
