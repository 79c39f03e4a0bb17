"""Journey 2: a pharmacist works the review queue oldest first, reads a PDF prescription's
first page inside the review page, approves it and rejects another; the patient sees both
decisions through the API."""

import io
import re
import uuid
from datetime import date, timedelta

from conftest import Api
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from browser.pages import assert_fits_the_width, rows, sign_in_at_auth

QUEUE = "/admin/rx/prescriptions/queuedprescription/"


def _pdf(pages: list[bytes]) -> bytes:
    """A PDF whose pages draw the given content streams (US Letter) and which, opened, would
    run a script (as an attacker's upload would): nothing may ever run it."""
    count = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R"
        b" /OpenAction << /S /JavaScript /JS (app.alert(document.cookie)) >> >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * n) for n in range(count)), count),
    ]
    for n, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * n, 3 + 2 * count)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


# Page 1 is black across its top quarter, page 2 across its bottom quarter: the preview must
# show page 1's picture.
PAGE_ONE = b"0 0 0 rg 0 594 612 198 re f BT /F1 24 Tf 72 500 Td (Rx page one) Tj ET"
PAGE_TWO = b"0 0 0 rg 0 0 612 198 re f BT /F1 24 Tf 72 500 Td (Rx page two) Tj ET"


def _png() -> bytes:
    image = Image.new("L", (480, 200), color=255)
    ImageDraw.Draw(image).text((16, 16), f"Rx smudged {uuid.uuid4().hex}", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(platform, patient: Api, *, drug: dict, pharmacy: int, document, prescriber) -> dict:
    name, content, content_type = document
    answer = patient.session.post(
        platform.url("/api/rx/prescriptions/"),
        data={
            "drug": drug["id"],
            "quantity": 1,
            "prescriber_name": prescriber[0],
            "prescriber_license": prescriber[1],
            "written_on": (date.today() - timedelta(days=2)).isoformat(),
            "pharmacy": pharmacy,
        },
        files={"file": (name, content, content_type)},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_pharmacist_reviews_the_queue_oldest_first_with_the_pdf_in_the_page(
    platform, browser_page, shots
):
    patient = Api(platform, "patient")
    pharmacies = patient.get("/api/auth/pharmacies/").json()
    pharmacies = pharmacies["results"] if isinstance(pharmacies, dict) else pharmacies
    corner = next(p["id"] for p in pharmacies if p["name"] == "Corner Pharmacy")
    drug = next(
        d
        for d in patient.get(
            "/api/catalog/drugs/", params={"rx_only": "true", "page_size": 50}
        ).json()["results"]
        if not d["schedule"]
    )
    suffix = uuid.uuid4().hex[:6].upper()
    pdf_rx = _upload(
        platform,
        patient,
        drug=drug,
        pharmacy=corner,
        document=("rx.pdf", _pdf([PAGE_ONE, PAGE_TWO]), "application/pdf"),
        prescriber=("Dr. Ada Lovelace", f"MD-{suffix}1"),
    )
    png_rx = _upload(
        platform,
        patient,
        drug=drug,
        pharmacy=corner,
        document=("rx.png", _png(), "image/png"),
        prescriber=("Dr. Charles Babbage", f"MD-{suffix}2"),
    )

    page = browser_page
    sign_in_at_auth(page, "pharmacist")
    page.goto("/admin/rx/")
    page.click(f"#content-main a[href$='{QUEUE}']")
    expect(page).to_have_url(re.compile(f"{QUEUE}$"))
    queue = rows(page)
    shots(page, "queue-oldest-first")
    assert_fits_the_width(page)
    # Oldest first: the demo's waiting prescription before the two just uploaded, which come
    # last, in the order they came.
    uploaded = [
        page.get_attribute(f"tr:has(input.action-select[value='{row['pk']}']) .rx-waiting", "title")
        for row in queue
    ]
    assert uploaded == sorted(uploaded)
    assert [row["pk"] for row in queue][-2:] == [str(pdf_rx["id"]), str(png_rx["id"])]
    assert len(queue) >= 3
    mine = {row["pk"]: row for row in queue}
    pdf_row, png_row = mine[str(pdf_rx["id"])], mine[str(png_rx["id"])]
    assert pdf_row["waiting"] in {"0 min", "1 min"}
    assert (pdf_row["patient"], pdf_row["drug_name"]) == ("patient", drug["name"])
    assert pdf_row["prescriber"] == f"Dr. Ada Lovelace (MD-{suffix}1)"
    assert png_row["prescriber"] == f"Dr. Charles Babbage (MD-{suffix}2)"
    assert pdf_row["status"] == png_row["status"] == "Pending Review"

    # The PDF's first page, drawn on the server, is in the page.
    page.click(f"#result_list a[href*='/{pdf_rx['id']}/change/']")
    preview = page.locator("#rx-preview")
    expect(preview).to_be_visible()
    # Beside the metadata, not below it: the top of the document is on the first screen.
    assert preview.bounding_box()["y"] < 800 and preview.bounding_box()["x"] > 500
    expect(page.locator("#rx-document figcaption")).to_contain_text("First page of the PDF")
    page.wait_for_function(
        "() => document.querySelector('#rx-preview').complete"
        " && document.querySelector('#rx-preview').naturalWidth > 0"
    )
    picture = page.evaluate(
        """() => {
            const img = document.querySelector('#rx-preview');
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const context = canvas.getContext('2d');
            context.drawImage(img, 0, 0);
            const shade = y => context.getImageData(img.naturalWidth / 2, y, 1, 1).data[0];
            return {width: img.naturalWidth, height: img.naturalHeight,
                    top: shade(img.naturalHeight * 0.1), bottom: shade(img.naturalHeight * 0.9)};
        }"""
    )
    assert picture["width"] == 1000 and abs(picture["height"] - 1294) <= 1
    assert picture["top"] < 40 and picture["bottom"] > 215  # page one, not page two
    assert page.locator("iframe, object, embed").count() == 0
    shots(page, "pdf-first-page-in-the-review-page")
    preview_answer = page.request.get(preview.get_attribute("src"))
    assert preview_answer.headers["content-type"] == "image/png"
    assert preview_answer.headers["content-security-policy"] == "sandbox"
    assert preview_answer.headers["x-content-type-options"] == "nosniff"

    # Claim it, approve it with refills and a valid-until date.
    page.click("input[value='Claim for review']")
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"You are reviewing prescription {pdf_rx['id']}."
    )
    valid_until = (date.today() + timedelta(days=120)).isoformat()
    page.fill("#id_approve-refills", "1")
    page.fill("#id_approve-valid_until", valid_until)
    page.fill("#id_approve-notes", "checked with the prescriber")
    shots(page, "approve-with-refills")
    page.click("#rx-approve input[type=submit]")
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"Prescription {pdf_rx['id']} is verified."
    )
    # Decided, it has left the queue (back on the list).
    expect(page).to_have_url(re.compile(f"{QUEUE}$"))
    assert str(pdf_rx["id"]) not in [row["pk"] for row in rows(page)]
    shots(page, "approved-left-the-queue")

    # Reject the image with a reason; the image itself is shown in the page.
    page.click(f"#result_list a[href*='/{png_rx['id']}/change/']")
    page.wait_for_function("() => document.querySelector('#rx-preview')?.naturalWidth === 480")
    page.click("input[value='Claim for review']")
    page.select_option("#id_reject-reason", "illegible")
    page.fill("#id_reject-notes", "dosage smudged")
    shots(page, "reject-with-reason")
    page.click("#rx-reject input[type=submit]")
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"Prescription {png_rx['id']} is rejected."
    )
    shots(page, "rejected")

    # The patient's API view shows both decisions.
    approved = patient.get(f"/api/rx/prescriptions/{pdf_rx['id']}/").json()
    assert (approved["status"], approved["refills"], approved["valid_until"]) == (
        "verified",
        1,
        valid_until,
    )
    assert approved["fills_remaining"] == 2
    rejected = patient.get(f"/api/rx/prescriptions/{png_rx['id']}/").json()
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "illegible")
    listed = {p["id"]: p["status"] for p in patient.get("/api/rx/prescriptions/").json()["results"]}
    assert (listed[pdf_rx["id"]], listed[png_rx["id"]]) == ("verified", "rejected")
