"""What a person does and sees in the back office, as the browser tests say it."""

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "pharma-demo-2026"


def sign_in_at_auth(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Single sign-on: the one sign-in, at auth_svc's admin."""
    page.goto("/admin/auth/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username, ignore_case=True)


def run_action(page: Page, label: str) -> None:
    """Choose a list action by its label and press Go."""
    page.select_option("select[name=action]", label=label)
    page.click("button[name=index]")


def rows(page: Page) -> list[dict[str, str]]:
    """The change list's rows as {column: text}, in screen order, with ``pk`` (the row's
    checkbox value)."""
    page.wait_for_selector("#result_list, p.paginator")
    return page.eval_on_selector_all(
        "#result_list tbody tr",
        """rows => rows.map(row => Object.fromEntries([
            ['pk', row.querySelector('input.action-select')?.value],
            ...[...row.querySelectorAll('td, th')]
              .filter(cell => [...cell.classList].some(c => c.startsWith('field-')))
              .map(cell => [
                [...cell.classList].find(c => c.startsWith('field-')).slice(6),
                cell.innerText.trim(),
              ])]))""",
    )


def assert_fits_the_width(page: Page) -> None:
    """Every column of the change list is in view at the window's width: the page does not
    scroll sideways, and neither does the results box (Django wraps the table in one that
    would, hiding the columns on the right)."""
    box = page.evaluate(
        """() => {
            const results = document.querySelector('#result_list').parentElement;
            return {
                page: document.documentElement.scrollWidth,
                window: window.innerWidth,
                resultsScroll: results.scrollWidth,
                resultsWidth: results.clientWidth,
                resultsRight: results.getBoundingClientRect().right,
                columns: [...document.querySelectorAll('#result_list thead th')]
                           .map(th => th.getBoundingClientRect().right),
            };
        }"""
    )
    assert box["page"] <= box["window"], box
    assert box["resultsScroll"] <= box["resultsWidth"], box
    assert max(box["columns"]) <= min(box["resultsRight"], box["window"]) + 1, box
