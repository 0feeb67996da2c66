"""Screenshots of the design system's components for docs/design.md.

    .venv/bin/python docs/design/shoot.py

Opens docs/design/gallery.html (file://, the real static/css/charterhub.css) at 390 px and
1,024 px wide and saves each <section id="..."> to docs/design/<id>-<width>.png. Needs
Playwright (python) and Chromium at /usr/bin/chromium (CHROMIUM=... to change).
"""

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
WIDTHS = (390, 1024)


def main():
    gallery = (HERE / "gallery.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 800}, locale="en-GB")
            page.goto(gallery)
            page.wait_for_load_state("load")
            sections = page.locator(".gallery > section[id]")
            for i in range(sections.count()):
                section = sections.nth(i)
                name = section.get_attribute("id")
                out = HERE / f"{name}-{width}.png"
                section.screenshot(path=str(out), animations="disabled")
                print(f"{out.relative_to(HERE.parent.parent)}  {out.stat().st_size // 1024} KB")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
