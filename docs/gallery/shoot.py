"""Full-page screenshots of CharterHub's main pages, for the before/after gallery (README.md here).

    .venv/bin/python docs/gallery/shoot.py BASE_URL EMAIL PASSWORD OUT_DIR [--group SLUG]

Logs in once through the login form, then for each width (390×844 and 1366×768) saves
OUT_DIR/<page>-<width>.png for: dashboard, group, milestones, milestone, meetings, meeting, report.
The milestone and the meeting are the first ones linked from the group page (falling back to
the lists) unless --milestone/--meeting name them; each line printed ends with the page's h1,
to check that two runs show the same milestone and meeting. Phone pages taller than
--max-height (2,500 px) are clipped to their top. Needs Playwright (python) and Chromium at
/usr/bin/chromium (--chromium to change).
"""

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

VIEWPORTS = [(390, 844), (1366, 768)]


def first_link(page, pattern):
    """The first href on the page whose path matches pattern (e.g. /milestones/12/), or None."""
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        path = href.split("?")[0].split("#")[0]
        if re.fullmatch(pattern, path):
            return href
    return None


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8766")
    parser.add_argument("email")
    parser.add_argument("password")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--group", default="economy", help="group slug (default: economy)")
    parser.add_argument("--milestone", help="path of the milestone page, e.g. /milestones/6/")
    parser.add_argument("--meeting", help="path of the meeting page, e.g. /meetings/3/")
    parser.add_argument(
        "--max-height", type=int, default=2500, help="clip phone shots to this height"
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    base = args.base_url.rstrip("/") + "/"
    args.out_dir.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=args.chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        # Log in once; both widths reuse the session cookie.
        context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(urljoin(base, "accounts/login/"))
        page.fill("#id_username", args.email)
        page.fill("#id_password", args.password)
        page.click("form[action$='/accounts/login/'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/accounts/login/" in page.url:
            sys.exit(f"login failed for {args.email} (still on {page.url})")

        group_url = urljoin(base, f"groups/{args.group}/")
        page.goto(group_url)
        milestone = args.milestone or first_link(page, r"/milestones/\d+/")
        meeting = args.meeting or first_link(page, r"/meetings/\d+/")
        if not milestone:
            page.goto(urljoin(base, "milestones/"))
            milestone = first_link(page, r"/milestones/\d+/")
        if not meeting:
            page.goto(urljoin(base, "meetings/"))
            meeting = first_link(page, r"/meetings/\d+/")
        pages = {
            "dashboard": urljoin(base, ""),
            "group": group_url,
            "milestones": urljoin(base, "milestones/"),
            "milestone": urljoin(base, milestone) if milestone else None,
            "meetings": urljoin(base, "meetings/"),
            "meeting": urljoin(base, meeting) if meeting else None,
            "report": urljoin(base, f"groups/{args.group}/report/"),
        }
        state = context.storage_state()
        context.close()

        for width, height in VIEWPORTS:
            context = browser.new_context(
                locale="en-GB",
                viewport={"width": width, "height": height},
                storage_state=state,
                reduced_motion="reduce",
            )
            page = context.new_page()
            for name, url in pages.items():
                if url is None:
                    print(f"{name}: no link found, skipped")
                    continue
                response = page.goto(url)
                page.wait_for_load_state("networkidle")
                out = args.out_dir / f"{name}-{width}.png"
                full_height = page.evaluate("document.documentElement.scrollHeight")
                options = {"path": str(out), "full_page": True, "animations": "disabled"}
                clipped = width < 640 and full_height > args.max_height
                if clipped:
                    options["clip"] = {"x": 0, "y": 0, "width": width, "height": args.max_height}
                page.screenshot(**options)
                status = response.status if response else "?"
                note = f" (clipped to {args.max_height} px)" if clipped else ""
                heading = (
                    page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
                )
                print(f"{out}  {status}  {url}  {full_height} px{note}  «{heading.strip()[:60]}»")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
