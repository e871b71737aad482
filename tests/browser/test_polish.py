"""Small things a person notices: the first paint from the shell is the outline of a screen, not a blank
page; toasts come one at a time, above the tab bar, and the same one is not stacked twice; the app's own
confirm dialog answers yes and no."""


def test_the_first_paint_is_a_skeleton_until_the_app_renders_a_screen(page, live_server):
    page.route("**/js/app.js", lambda route: route.abort())          # as if the script were still on its way
    page.goto("/")
    skeleton = page.locator("main .skeleton")
    assert skeleton.is_visible()
    assert skeleton.get_attribute("aria-hidden") == "true"
    assert skeleton.locator(".skeleton-card").count() == 2
    page.unroute("**/js/app.js")
    page.goto("/")
    page.locator("main h1").wait_for()
    assert page.locator("main .skeleton").count() == 0


def test_toasts_come_one_at_a_time_above_the_tab_bar(page, goto):
    goto(page, "/")
    page.locator("main h1").wait_for()
    page.evaluate("""async () => {
        const ui = await import('/js/ui.js');
        for (const item of document.querySelectorAll('.toast')) item.remove();
        ui.toast('First news'); ui.toast('Second news'); ui.toast('Second news'); ui.toast('Third news');
    }""")
    seen = []
    for _ in range(80):
        texts = page.locator(".toast p").all_inner_texts()
        assert len(texts) <= 1, texts
        if texts and (not seen or seen[-1] != texts[0]):
            seen.append(texts[0])
            toast = page.locator(".toast").bounding_box()
            tabbar = page.locator(".tabbar").bounding_box()
            assert toast["y"] + toast["height"] <= tabbar["y"], (toast, tabbar)
        if seen[-1:] == ["Third news"]:
            break
        page.wait_for_timeout(100)
    assert [text for text in seen if text.endswith("news")] == ["First news", "Second news", "Third news"]


def test_the_apps_own_confirm_dialog(page, goto, axe):
    goto(page, "/")
    page.locator("main h1").wait_for()
    page.evaluate("""() => import('/js/ui.js').then((ui) => {
        window.answer = ui.confirmDialog({title: 'Delete this update?', confirm: 'Delete', danger: true});
    })""")
    dialog = page.get_by_role("dialog", name="Delete this update?")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.textContent") == "Cancel"      # the safe choice has focus
    assert axe(page) == []
    dialog.get_by_role("button", name="Delete").click()
    assert page.evaluate("window.answer") is True
    page.evaluate("""() => import('/js/ui.js').then((ui) => { window.answer = ui.confirmDialog({title: 'Sure?', confirm: 'Yes'}); })""")
    page.keyboard.press("Escape")
    assert page.evaluate("window.answer") is False
    assert page.console_errors == []
