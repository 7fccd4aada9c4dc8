"""The address holds the view: reload, back, forward and links restore it."""

import re

from playwright.sync_api import expect

from pages import ConsolePage


def test_reload_restores_view(console, stack):
    for index in range(60):
        stack.api.create_far_future("view %d" % index)
    job = stack.api.create_far_future("open after reload")
    console.open("?status=pending&page=2&size=50&job=%d" % job["job_id"])
    expect(console.page.get_by_role("button", name="Pending", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(console.page_label).to_have_text("Page 2")
    expect(console.page_size).to_have_value("50")
    expect(console.detail_heading).to_have_text("Job %d" % job["job_id"])
    expect(console.detail).to_be_visible()
    expect(console.rows).to_have_count(11)
    console.page.reload()
    console.wait_ready()
    expect(console.page_label).to_have_text("Page 2")
    expect(console.detail_message).to_have_text("open after reload")
    expect(console.detail_message).to_be_visible()


def test_back_and_forward(console, stack):
    job = stack.api.create_far_future("history navigation")
    expect(console.row(job["job_id"])).to_be_visible()
    console.filter("Pending")
    expect(console.page).to_have_url(re.compile(r"\?status=pending$"))
    console.open_job(job["job_id"])
    expect(console.page).to_have_url(re.compile(r"status=pending&job=%d$" % job["job_id"]))
    console.page.go_back()
    expect(console.detail).to_be_hidden()
    expect(console.page.get_by_role("button", name="Pending", exact=True)).to_have_attribute("aria-pressed", "true")
    console.page.go_back()
    expect(console.page.get_by_role("button", name="All", exact=True)).to_have_attribute("aria-pressed", "true")
    console.page.go_forward()
    console.page.go_forward()
    expect(console.detail_heading).to_have_text("Job %d" % job["job_id"])
    expect(console.detail_message).to_have_text("history navigation")


def test_job_link_opens_for_anyone(console, stack, context):
    job = stack.api.create_far_future("shared link")
    console.open_job(job["job_id"])
    link = console.page.url
    other = ConsolePage(context.new_page(), stack.url)
    other.page.goto(link)
    other.wait_ready()
    expect(other.detail_message).to_have_text("shared link")


def test_garbage_in_address_falls_back(console):
    console.open("?status=bogus&page=-4&size=7&job=abc")
    expect(console.page_label).to_have_text("Page 1")
    expect(console.page_size).to_have_value("25")
    expect(console.detail).to_be_hidden()
    expect(console.notice).to_have_text(
        "Part of the address was left out: status=bogus is not one of all, pending, running, done, canceled; "
        "page=-4 is not a page number; size=7 is not 25, 50 or 100; job=abc is not a job id.")
    # The address is rewritten to the view on screen, so a copied link shows the same.
    expect(console.page).to_have_url(re.compile(r"/$"))


def test_address_tidied_to_view(console, stack):
    job = stack.api.create_far_future("padded id")
    console.open("?status=PENDING&job=%06d#top" % job["job_id"])
    expect(console.detail_message).to_have_text("padded id")
    expect(console.page).to_have_url(re.compile(r"/\?status=pending&job=%d#top$" % job["job_id"]))
    console.page.reload()
    console.wait_ready()
    expect(console.detail_message).to_have_text("padded id")
