"""Paging that holds still while new jobs arrive."""

import re

import pytest
from playwright.sync_api import expect


def _page_through(console):
    seen = []
    while True:
        seen.extend(console.visible_ids())
        if console.next_page_button.is_disabled():
            return seen
        label = console.page_label.inner_text()
        console.next_page_button.click()
        expect(console.page_label).not_to_have_text(label)
        console.wait_refreshes(1)


def test_every_job_seen_once_while_jobs_arrive(console, stack):
    original = [stack.api.create_far_future("before %d" % index)["job_id"] for index in range(60)]
    console.page.reload()
    console.wait_ready()
    expect(console.rows).to_have_count(25)
    first_page = console.visible_ids()
    console.next_page_button.click()
    expect(console.page_label).to_have_text("Page 2")
    console.wait_refreshes(1)
    for index in range(30):
        stack.api.create_far_future("during %d" % index)
    expect(console.new_jobs).to_have_text("30 new jobs: show")
    seen = first_page + _page_through(console)
    assert sorted(seen) == sorted(original)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("way_back", ["new_jobs", "prev_page_button"])
def test_page_one_shows_news_from_page_two(console, stack, way_back):
    for index in range(30):
        stack.api.create_far_future("filler %d" % index)
    console.page.reload()
    console.wait_ready()
    console.next_page_button.click()
    expect(console.page_label).to_have_text("Page 2")
    console.wait_refreshes(1)
    newest = stack.api.create_far_future("arrived while reading")
    expect(console.new_jobs).to_have_text("1 new job: show")
    # "1 new job: show" and Previous both lead to page 1, which follows new jobs again.
    getattr(console, way_back).click()
    expect(console.page_label).to_have_text("Page 1")
    expect(console.rows.first).to_have_attribute("data-job-id", str(newest["job_id"]))
    expect(console.new_jobs).to_be_hidden()


def test_paused_page_one_announces(console, stack):
    older = stack.api.create_far_future("already listed")
    console.page.reload()
    console.wait_ready()
    console.set_interval("off")
    before = console.visible_ids()
    job = stack.api.create_far_future("while paused")
    console.page.get_by_role("button", name="Refresh now").click()
    expect(console.new_jobs).to_have_text("1 new job: show")
    assert console.visible_ids() == before
    console.new_jobs.click()
    expect(console.rows.first).to_have_attribute("data-job-id", str(job["job_id"]))
    expect(console.row(older["job_id"])).to_be_visible()
    # The button hid itself, so keyboard focus went on to the newest row.
    expect(console.rows.first.locator(".c-id button")).to_be_focused()


def test_page_one_follows_again_when_refresh_on(console, stack):
    older = stack.api.create_far_future("already listed")
    console.page.reload()
    console.wait_ready()
    expect(console.rows.first).to_have_attribute("data-job-id", str(older["job_id"]))
    console.set_interval("off")
    job = stack.api.create_far_future("while paused, then followed")
    console.page.get_by_role("button", name="Refresh now").click()
    expect(console.new_jobs).to_have_text("1 new job: show")
    console.set_interval("every 1 s")
    expect(console.rows.first).to_have_attribute("data-job-id", str(job["job_id"]))
    expect(console.new_jobs).to_be_hidden()

