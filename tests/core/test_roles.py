"""Walk every protected API route as every role: the server enforces roles on each one."""
import pytest

ROLES = ["visitor", "youth", "unverified", "officer", "youth_worker", "organiser", "admin"]
ROLE_REFUSALS = {"login_required", "staff_only", "not_verified", "wrong_role", "youth_only"}


def protected_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles is None or not rule.rule.startswith("/api/"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "1").replace(f"<path:{arg}>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path, tuple(roles)))
    return routes


def allowed(role, roles):
    if role == "youth":
        return "youth" in roles
    if role in ("visitor", "unverified"):
        return False
    return role in roles


@pytest.mark.parametrize("role", ROLES)
def test_every_protected_route_enforces_its_roles(app, as_role, role):
    api = as_role(role)
    routes = protected_routes(app)
    assert routes, "no protected routes found"
    for method, path, roles in routes:
        if method == "DELETE" and path == "/api/me":
            continue  # would erase the identity used for the rest of the walk (tested in test_auth)
        response = api.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
        code = (response.json or {}).get("error", {}).get("code") if response.is_json else None
        if allowed(role, roles):
            assert code not in ROLE_REFUSALS, f"{role} was refused {method} {path}: {response.json}"
        else:
            expected = 401 if role == "visitor" else 403
            assert response.status_code == expected, f"{role} got {response.status_code} on {method} {path}"
            assert code in ROLE_REFUSALS
