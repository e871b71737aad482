"""Reminders on Me say honestly why they are not on: the browser can't (private window, no Push API),
iOS outside the installed app (with the steps), "you said not now" (a dismissed prompt), "blocked in
settings" (with how to undo it), or "couldn't reach the push service" after 10 s with "Try again".
The browser's permission and PushManager are stubbed by init scripts; the page, the section and the
server are real."""
import re

STATUS = "#me-push .push-status"


def start(page, shell, script):
    page.context.add_init_script(script)
    shell.start_anonymously(page)
    return page.locator("#me-push")


def test_no_push_api_says_it_cannot_work_here_and_offers_no_button(page, shell):
    section = start(page, shell, "delete window.PushManager;")
    section.get_by_text("Reminders can't work here").wait_for()
    assert "private (incognito) window" in section.inner_text()
    assert section.get_by_role("button", name="Remind me").count() == 0


def test_iphone_outside_the_installed_app_gets_the_steps_to_install(page, shell):
    section = start(page, shell, """
        delete window.PushManager;
        Object.defineProperty(navigator, 'userAgent', {get: () => 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1'});
    """)
    section.get_by_text("reminders work in the installed app only").wait_for()
    assert "Add to Home Screen" in section.inner_text()


def test_a_dismissed_prompt_is_not_now_not_blocked(page, shell):
    section = start(page, shell, "Notification.requestPermission = async () => 'default';")
    section.get_by_role("button", name="Remind me").click()
    section.get_by_text("You said “not now” to notifications.").wait_for()
    assert "blocked" not in section.inner_text()
    assert section.get_by_role("button", name="Remind me").is_enabled()


def test_blocked_in_settings_says_how_to_undo_it(page, shell):
    section = start(page, shell, "Object.defineProperty(Notification, 'permission', {get: () => 'denied'});")
    section.get_by_text("Notifications are blocked for Tuttu in this browser's settings.").wait_for()
    assert "set Notifications to Allow" in section.inner_text()


def test_a_push_service_that_never_answers_ends_after_10_seconds_with_try_again(page, shell):
    page.clock.install()
    section = start(page, shell, """
        Object.defineProperty(Notification, 'permission', {get: () => 'granted'});
        Notification.requestPermission = async () => 'granted';
        PushManager.prototype.subscribe = () => new Promise(() => {});
        PushManager.prototype.getSubscription = async () => null;
    """)
    section.get_by_role("button", name="Remind me").click()
    section.get_by_text("Turning reminders on").wait_for()
    page.clock.run_for(11_000)
    section.get_by_text(re.compile("Couldn't reach the push service")).wait_for()
    assert section.get_by_role("button", name="Try again").is_enabled()
    assert page.console_errors == []
