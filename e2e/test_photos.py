"""Journey: a manufacturer adds several photos to a listing. They stay in the order chosen
whichever upload finishes first, a refused file says why instead of showing a broken image,
any photo can be made the cover, and the listing's page enlarges a photo."""

import io
import re
import uuid

from PIL import Image
from playwright.sync_api import FilePayload, Page, Request, Response, Route, expect

from e2e.conftest import Api, login_in_browser


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def uploaded(name: str):  # type: ignore[no-untyped-def]
    """Matches the response to the upload of the file called `name`."""

    def match(response: Response) -> bool:
        return response.url.endswith("/api/images") and f'filename="{name}"'.encode() in (
            response.request.post_data_buffer or b""
        )

    return match


def file_name(request: Request) -> str:
    found = re.search(rb'filename="([^"]+)"', request.post_data_buffer or b"")
    return found.group(1).decode() if found else ""


def test_photos_keep_their_order_and_a_refused_file_says_why(
    page: Page, base_url: str, api: Api
) -> None:
    seller = api.register("manufacturer")
    login_in_browser(page, base_url, seller)
    page.goto(f"{base_url}/materials/new")
    expect(page.get_by_role("heading", name="List a material")).to_be_visible()
    # The file input has a name (axe: critical without one), and only the button is announced.
    expect(page.locator("input[type=file]")).to_have_attribute("aria-label", "Upload images")
    expect(page.get_by_role("button", name="Upload images")).to_have_count(1)

    # Hold the first upload until the two after it have finished.
    held: list[Route] = []

    def hold_first(route: Route) -> None:
        if file_name(route.request) == "first.png" and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/images", hold_first)
    files: list[FilePayload] = [
        {"name": f"{n}.png", "mimeType": "image/png", "buffer": png(c)}
        for n, c in [("first", (200, 40, 40)), ("second", (40, 160, 60)), ("third", (40, 60, 200))]
    ]
    with (
        page.expect_response(uploaded("second.png")) as second,
        page.expect_response(uploaded("third.png")) as third,
    ):
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Upload images").click()
        chooser.value.set_files(files=files)
    images = page.get_by_role("list", name="Images")
    photo = images.get_by_role("img", name=re.compile(r"^Image \d+$"))
    # Finished, but waiting for the first: none of them is the cover yet.
    expect(photo).to_have_count(0)
    assert held, "the first upload was not held"
    with page.expect_response(uploaded("first.png")) as first:
        held[0].continue_()
    expect(photo).to_have_count(3)
    uploads = [r.value.json() for r in (first, second, third)]
    thumbs = [u["thumbnail_url"] for u in uploads]
    for i, thumb in enumerate(thumbs):
        expect(images.get_by_role("img", name=f"Image {i + 1}")).to_have_attribute("src", thumb)
    expect(images.get_by_role("listitem").first.get_by_text("Cover")).to_be_visible()

    # Any photo can become the cover; the others keep their order.
    images.get_by_role("button", name="Make image 3 the cover").click()
    expected = [thumbs[2], thumbs[0], thumbs[1]]
    for i, thumb in enumerate(expected):
        expect(images.get_by_role("img", name=f"Image {i + 1}")).to_have_attribute("src", thumb)

    # A file the server refuses: its name and the reason, not a broken image.
    with page.expect_response(uploaded("scan.png")) as refused:
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Upload images").click()
        scan: FilePayload = {"name": "scan.png", "mimeType": "image/png", "buffer": b"not an image"}
        chooser.value.set_files(files=[scan])
    assert 400 <= refused.value.status < 500
    failed = page.get_by_test_id("upload-failed")
    expect(failed).to_contain_text("scan.png")
    expect(failed.get_by_role("alert")).not_to_be_empty()
    expect(failed.get_by_role("img")).to_have_count(0)
    expect(photo).to_have_count(3)

    # Publish: the listing keeps the order shown.
    title = f"Colour card cotton {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Material type").select_option("organic_cotton")
    page.get_by_label("Quantity available").fill("40")
    page.get_by_label("Weight per unit (kg)").fill("0.2")
    page.get_by_label("Price per unit").fill("3")
    page.get_by_role("button", name="Publish listing").click()
    expect(page).to_have_url(re.compile(r"/materials/[0-9a-f-]{36}$"))
    material_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = api.get(None, f"/api/materials/{material_id}").json()
    # By ids: the worker may have made the thumbnails since (until then an upload's
    # thumbnail_url is the image itself).
    assert [i["image_id"] for i in stored["images"]] == [uploads[n]["image_id"] for n in (2, 0, 1)]

    # The listing's page enlarges a photo; arrows move, Escape closes.
    page.get_by_role("button", name="Enlarge photo").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("img", name=f"{title}, photo 1 of 3, enlarged")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(dialog.get_by_role("img", name=f"{title}, photo 2 of 3, enlarged")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("img", name=f"{title}, photo 2 of 3")).to_be_visible()
