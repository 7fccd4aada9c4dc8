"""Take the README's screenshots of the console with the demo jobs.

Usage: .venv/bin/python scripts/screenshot.py [--out docs]

Starts the simulator with demo jobs and serve.py on free loopback ports,
opens the console in headless Chromium, schedules a dozen jobs over the next
20 s so the activity charts have something to show, and writes console.png
(the list with a job open), activity.png (the charts), timeline.png (a job's
timeline) and console-phone.png (375 px wide) to the output folder. It takes
about a minute, because the charts need jobs to finish in real time.
"""

import argparse
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import serve  # noqa: E402
from sandbox import make_server  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


def launch(playwright):
    if os.path.exists("/usr/bin/chromium"):
        return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    return playwright.chromium.launch(args=CHROMIUM_ARGS)


def main():
    parser = argparse.ArgumentParser(description="Take the README's screenshots.")
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    simulator = make_server("127.0.0.1", 0, demo=True, seed=7)
    threading.Thread(target=simulator.serve_forever, daemon=True).start()
    console = serve.make_console_server("127.0.0.1", 0, simulator.url)
    serve.serve_in_thread(console)
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(console.url + "/")
            page.wait_for_selector("body[data-ready='1']")
            for index in range(12):
                due = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 2 * index))
                request = urllib.request.Request(
                    "%s/job/new?message=report%%20%d&next_attempt_at=%s" % (simulator.url, index + 1, due),
                    method="POST")
                urllib.request.urlopen(request).close()
            # Finishes show once jobs the page saw running are done: 12 s to 30 s later.
            page.wait_for_selector("#chart-finished svg", timeout=90000)
            page.wait_for_timeout(15000)
            page.locator(".activity").screenshot(path=str(out / "activity.png"))
            # Open a job with a retry in its history, so the timeline shows several states.
            retried = page.locator("#job-rows tr[data-status='DONE']").first
            retried.locator(".c-id").click()
            page.wait_for_selector("#timeline span")
            page.locator("#detail").screenshot(path=str(out / "timeline.png"))
            page.screenshot(path=str(out / "console.png"))
            phone = browser.new_page(viewport={"width": 375, "height": 800})
            phone.goto(console.url + "/")
            phone.wait_for_selector("body[data-ready='1']")
            phone.screenshot(path=str(out / "console-phone.png"))
            browser.close()
    finally:
        serve.stop_server(console)
        simulator.shutdown()
        simulator.server_close()
    print("wrote console.png, activity.png, timeline.png and console-phone.png to", out)


if __name__ == "__main__":
    main()
