"""Journey: a new brand registers, signs out, signs back in, and stays signed in on reload."""

import re
import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import PASSWORD, Api


def test_register_logout_login_and_reload(page: Page, base_url: str) -> None:
    email = f"brand-{uuid.uuid4().hex[:8]}@e2e.example"
    page.goto(f"{base_url}/register")
    page.get_by_label("Brand").check()
    page.get_by_label("Company name").fill("Atelier Éclair")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("create", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/register"))
    expect(page.get_by_role("button", name=re.compile("log out", re.I)).first).to_be_attached()

    page.get_by_role("button", name=re.compile("log out", re.I)).first.click()
    page.goto(f"{base_url}/account")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/account$"))

    # The access token lives in memory only: a reload restores the session from the cookie.
    page.reload()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_text(email).first).to_be_visible()


def test_wrong_password_is_explained(page: Page, base_url: str, api: Api) -> None:
    user = api.register("manufacturer")
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill("Wrong-Passw0rd")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is incorrect.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))
