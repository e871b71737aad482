"""A sensitive console action asks for the second factor again once the last check is old enough
(FACTOR_RECHECK_SECONDS, 15 minutes in production, one second here)."""
import time

import pyotp
import pytest

from tests.browser.test_console import fresh_code, log_in


@pytest.fixture
def app_config(app_config):
    app_config["FACTOR_RECHECK_SECONDS"] = 1        # sensitive actions ask again after a second
    return app_config


def test_a_sensitive_action_asks_for_the_factor_again(city, context, page, goto, live_server):
    """The admin has an authenticator app; deactivating someone a while after the login asks for a code."""
    from backend.models import Staff, StaffFactor, utcnow
    secret = pyotp.random_base32()
    StaffFactor.create(staff=city["staff"]["admin"], secret=secret, confirmed_at=utcnow())
    log_in(page, goto, "admin@test.fi")
    page.get_by_label("Code", exact=True).fill(fresh_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff")
    time.sleep(1.5)                                  # longer ago than FACTOR_RECHECK_SECONDS
    goto(page, "/console?role=officer&active=true")
    page.get_by_role("button", name="Deactivate Olli Officer").click()
    dialog = page.get_by_role("dialog", name="Confirm it's you")
    dialog.get_by_label("Code from your authenticator app").fill("000000")
    dialog.get_by_role("button", name="Confirm").click()
    dialog.get_by_text("That code doesn't match.").wait_for()
    dialog.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    dialog.get_by_role("button", name="Confirm").click()
    page.get_by_text("Deactivated: every login of that account has ended.").wait_for()
    assert not Staff.get_by_id(city["staff"]["officer"].id).active
