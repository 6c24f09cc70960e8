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


def test_manufacturer_registration_explains_problems(page: Page, base_url: str, api: Api) -> None:
    taken = api.register("brand")
    page.goto(f"{base_url}/register")
    page.get_by_label("Manufacturer").check()
    page.get_by_label("Company name").fill("Tessitura Prova")
    page.get_by_label("Work email").fill(taken["email"].upper())  # emails ignore case
    page.get_by_label("Password").fill("weak")
    page.get_by_role("button", name=re.compile("create", re.I)).click()
    # Checked in the browser first: nothing is sent with a weak password.
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/register$"))

    # Then the server's answer: that email already has an account.
    password.fill(PASSWORD)
    page.get_by_role("button", name=re.compile("create", re.I)).click()
    email = page.get_by_label("Work email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("An account with this email already exists.")
    expect(page).to_have_url(re.compile(r"/register$"))

    # A fresh address goes through, to the manufacturer's dashboard.
    page.get_by_label("Work email").fill(f"maker-{uuid.uuid4().hex[:8]}@e2e.example")
    page.get_by_role("button", name=re.compile("create", re.I)).click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("link", name="+ List material").first).to_be_visible()
