"""Journey: a new brand registers, signs out, signs back in, and stays signed in on reload."""

import re
import uuid

from playwright.sync_api import Page, expect

from e2e.conftest import PASSWORD, Api, login_in_browser

NEW_PASSWORD = "Fresh-Passw0rd-2"


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
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
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


def test_profile_edit_and_password_change_signs_out_other_sessions(
    page: Page, base_url: str, api: Api
) -> None:
    user = api.register("brand")
    login_in_browser(page, base_url, user)
    page.goto(f"{base_url}/account")

    # The profile: the server's field error shows under its field, then a valid edit is saved.
    profile = page.get_by_role("form", name="Edit profile")
    profile.get_by_label("Company name").fill("Tessitura Verde S.r.l.")
    phone = profile.get_by_label("Phone (optional)")
    phone.fill("+4412")  # E.164-shaped, too short for the server
    profile.get_by_role("button", name="Save profile").click()
    expect(phone).to_have_attribute("aria-invalid", "true")
    phone.fill("+351912345678")
    profile.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    me = api.get(user, "/api/auth/me").json()
    assert (me["company_name"], me["phone"]) == ("Tessitura Verde S.r.l.", "+351912345678")

    # A wrong current password is explained under its field.
    form = page.get_by_role("form", name="Change password")
    current = form.get_by_label("Current password")
    current.fill("Wrong-Passw0rd")
    form.get_by_label("New password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Change password").click()
    expect(current).to_have_attribute("aria-invalid", "true")

    current.fill(PASSWORD)
    form.get_by_label("New password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed; other sessions were signed out.")).to_be_visible()
    # The other session (the API client's token) is over; this browser stays signed in.
    stale = {"Authorization": f"Bearer {user['token']}"}
    assert api.http.get("/api/auth/me", headers=stale).status_code == 401
    page.reload()
    expect(page).to_have_url(re.compile(r"/account$"))

    page.get_by_role("button", name=re.compile("log out", re.I)).first.click()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is incorrect.")).to_be_visible()
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_deleting_the_account_says_what_happens_next(page: Page, base_url: str, api: Api) -> None:
    user = api.register("brand")
    login_in_browser(page, base_url, user)
    page.goto(f"{base_url}/account")
    page.get_by_role("button", name="Delete my account…").click()
    page.get_by_label("Email address").fill(user["email"])
    page.get_by_role("button", name="Permanently delete account").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Your account has been deactivated")).to_be_visible()
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is incorrect.")).to_be_visible()
