"""The inputs a fuzzer found making the server fail, each answered with a clear error now; and the
OpenAPI document says what the server really answers."""
import io

import pytest
from PIL import Image

BIG = 2**64 + 5          # beyond SQLite's and PostgreSQL's 64-bit integers


def multipart(api, path, body: bytes, boundary="tuttuXYZ", method="POST"):
    return api.request(method, path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("path", ["/api/posts/{}", "/api/sectors/{}", "/api/officers/{}", "/api/meetups/{}",
                                  "/api/meetups/{}.ics", "/api/answers/{}", "/api/sessions/{}"])
def test_ids_beyond_64_bits_in_paths_are_not_found(client, path):
    response = client.get(path.format(BIG))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_integers_beyond_64_bits_in_queries_and_bodies_are_refused(as_role):
    youth = as_role("youth")
    response = youth.get(f"/api/meetups?sector={BIG}")
    assert response.status_code == 422 and "sector" in response.json["error"]["fields"]
    response = youth.post("/api/follows", {"sector": BIG})
    assert response.status_code == 422 and "sector" in response.json["error"]["fields"]
    response = youth.get(f"/api/answers?cursor={BIG}")
    assert response.status_code in (404, 422)


def test_a_multipart_part_without_a_name_before_login(client):
    body = b"--tuttuXYZ\r\nContent-Disposition: form-data\r\n\r\nhello\r\n--tuttuXYZ--\r\n"
    response = multipart(client, "/api/youth", body)
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"


def test_a_form_part_without_a_name_where_a_form_is_taken(as_role):
    officer = as_role("officer")
    body = (b'--tuttuXYZ\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n'
            b"--tuttuXYZ\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--tuttuXYZ--\r\n")
    response = multipart(officer, "/api/posts", body)
    assert response.status_code in (400, 422)


def test_patch_me_as_multipart(as_role):
    youth = as_role("youth")
    response = youth.request("PATCH", "/api/me", data={"handle": "NewName"}, content_type="multipart/form-data")
    assert response.status_code == 415


def test_stray_file_fields_on_posts_and_photos(as_role):
    officer = as_role("officer")
    stray = officer.request("POST", "/api/posts", content_type="multipart/form-data",
                            data={"text": "Hello", "city_wide": "true", "extra": (io.BytesIO(b"x"), "x.txt")})
    assert stray.status_code == 422 and stray.json["error"]["fields"] == {"extra": "is not a file field"}
    as_text = officer.request("POST", "/api/posts", content_type="multipart/form-data",
                              data={"text": (io.BytesIO(b"x"), "x.txt"), "city_wide": "true"})
    assert as_text.status_code == 422 and "text" in as_text.json["error"]["fields"]
    photo = officer.request("POST", "/api/officers/me/photo", content_type="multipart/form-data",
                            data={"selfie": (io.BytesIO(b"x"), "x.jpg")})
    assert photo.status_code == 422 and "selfie" in photo.json["error"]["fields"]


def png(width, height) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("size", [(1, 70_000), (70_000, 1)])
def test_an_image_with_a_side_over_65535_pixels_is_refused(as_role, size):
    officer = as_role("officer")
    post = officer.request("POST", "/api/posts", content_type="multipart/form-data",
                           data={"text": "Hello", "city_wide": "true", "image": (io.BytesIO(png(*size)), "a.png")})
    assert post.status_code == 422 and post.json["error"]["code"] == "invalid_image"
    photo = officer.request("POST", "/api/officers/me/photo", content_type="multipart/form-data",
                            data={"photo": (io.BytesIO(png(*size)), "a.png")})
    assert photo.status_code == 422 and photo.json["error"]["code"] == "invalid_image"


@pytest.mark.parametrize("depth", [40, 20_000])
def test_deeply_nested_json_is_refused(as_role, depth):
    youth = as_role("youth")
    body = '{"endpoint": ' + "[" * depth + "]" * depth + "}"
    response = youth.request("POST", "/api/push/subscriptions", data=body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert response.json["error"]["code"] in ("malformed_json", "too_large")


def test_405_says_which_methods_are_allowed(client):
    response = client.put("/api/posts/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}


def test_the_document_declares_what_the_server_answers(client):
    doc = client.get("/api/openapi.json").json
    paths = doc["paths"]
    assert "201" in paths["/api/youth"]["post"]["responses"]
    assert "202" in paths["/api/push/test"]["post"]["responses"]
    assert "204" in paths["/api/me"]["delete"]["responses"]
    assert "content" not in paths["/api/me"]["delete"]["responses"]["204"]
    assert "application/geo+json" in paths["/api/sectors"]["get"]["responses"]["200"]["content"]
    assert "text/calendar" in paths["/api/meetups/{meetup_id}.ics"]["get"]["responses"]["200"]["content"]
    assert "requestBody" in paths["/api/push/subscriptions"]["delete"]
    assert "Allow" in paths["/api/posts/{post_id}"]["get"]["responses"]["405"]["headers"]
    post_id = paths["/api/posts/{post_id}"]["get"]["parameters"][0]["schema"]
    assert post_id["maximum"] == 2**63 - 1 and post_id["format"] == "int64"


def test_no_documentation_pages_that_load_scripts_from_a_cdn(app, client):
    assert not [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/docs")]
    assert client.get("/api/docs/swagger/").status_code == 404
    assert client.get("/api/openapi.json").status_code == 200
