"""Take full-page screenshots of pages of a running Gongkai with Debian's chromium, as a user would see them.

.venv/bin/python scripts/screenshot.py http://127.0.0.1:8000/ out.png [--login clerk] [--width 1280]
"""

import argparse

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("output")
    parser.add_argument("--login", help="log in to the back office as this demo user first")
    parser.add_argument("--password", default="Gongkai@2024demo")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        if args.login:
            base = args.url.split("/", 3)
            page.goto(f"{base[0]}//{base[2]}/staff/login/")
            page.fill("#id_username", args.login)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
        page.goto(args.url)
        page.screenshot(path=args.output, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
