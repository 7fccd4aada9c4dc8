"""Keyboard shortcuts, and no shortcut while the user types in a field."""

import re

from playwright.sync_api import expect


def test_slash_focuses_go_to_job(console):
    console.page.keyboard.press("/")
    expect(console.goto_input).to_be_focused()
    expect(console.goto_input).to_have_value("")


def test_j_k_enter_escape(console, stack):
    first = stack.api.create_far_future("key one")
    second = stack.api.create_far_future("key two")
    console.page.reload()
    console.wait_ready()
    keyboard = console.page.keyboard
    keyboard.press("j")
    expect(console.row(second["job_id"])).to_have_class(re.compile(r"\bis-selected\b"))
    keyboard.press("j")
    expect(console.row(first["job_id"])).to_have_class(re.compile(r"\bis-selected\b"))
    keyboard.press("k")
    expect(console.row(second["job_id"])).to_have_class(re.compile(r"\bis-selected\b"))
    keyboard.press("Enter")
    expect(console.detail_heading).to_have_text("Job %d" % second["job_id"])
    keyboard.press("Escape")
    expect(console.detail).to_be_hidden()


def test_n_starts_new_job(console):
    console.page.keyboard.press("n")
    expect(console.create_message).to_be_focused()
    expect(console.create_message).to_have_value("")


def test_c_cancels_open_job(console, stack):
    job = stack.api.create_far_future("cancel by key")
    console.open_job(job["job_id"])
    console.page.keyboard.press("c")
    expect(console.cancel_dialog).to_be_visible()
    expect(console.cancel_title).to_have_text("Cancel job %d?" % job["job_id"])
    # The key opens the dialog; it is not typed into the reason field.
    expect(console.cancel_reason).to_have_value("")
    console.page.keyboard.press("Escape")
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.detail_heading).to_have_text("Job %d" % job["job_id"])


def test_selection_dropped_when_row_leaves(console, stack):
    for index in range(30):
        stack.api.create_far_future("selection filler %d" % index)
    console.page.reload()
    console.wait_ready()
    newest_id = console.rows.first.get_attribute("data-job-id")
    console.next_page_button.click()
    expect(console.page_label).to_have_text("Page 2")
    expect(console.row(int(newest_id))).to_have_count(0)
    console.page.keyboard.press("j")
    selected = console.selected_rows
    expect(selected).to_have_count(1)
    selected_id = selected.get_attribute("data-job-id")
    console.prev_page_button.click()
    expect(console.page_label).to_have_text("Page 1")
    console.wait_refreshes(1)
    expect(console.row(int(selected_id))).to_have_count(0)
    # Enter and "c" act on the selected row only while it is on screen.
    console.page.keyboard.press("Enter")
    console.page.keyboard.press("c")
    expect(console.detail).to_be_hidden()
    expect(console.cancel_dialog).to_be_hidden()


def test_question_mark_lists_keys(console):
    console.page.keyboard.press("?")
    expect(console.help_dialog).to_be_visible()
    expect(console.help_dialog).to_contain_text("Go to a job by id")
    console.page.keyboard.press("Escape")
    expect(console.help_dialog).to_be_hidden()


def test_keys_ignored_while_typing(console, stack):
    job = stack.api.create_far_future("typing guard")
    console.open_job(job["job_id"])
    console.create_message.click()
    console.page.keyboard.type("jkn/c?")
    expect(console.create_message).to_have_value("jkn/c?")
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.help_dialog).to_be_hidden()
    expect(console.detail_heading).to_have_text("Job %d" % job["job_id"])


def test_shortcuts_ignored_behind_bulk_dialog(console, stack):
    older = stack.api.create_far_future("behind bulk one")
    newer = stack.api.create_far_future("behind bulk two")
    console.page.reload()
    console.wait_ready()
    console.page.keyboard.press("j")
    expect(console.row(newer["job_id"])).to_have_class(re.compile(r"\bis-selected\b"))
    console.row_select(older["job_id"]).check()
    console.bulk_cancel.click()
    expect(console.bulk_dialog).to_be_visible()
    console.bulk_keep.focus()
    # "c" would open a second dialog for the keyboard-selected job, "j" would move the selection.
    console.page.keyboard.press("c")
    console.page.keyboard.press("j")
    expect(console.cancel_dialog).to_be_hidden()
    expect(console.row(newer["job_id"])).to_have_class(re.compile(r"\bis-selected\b"))
    console.bulk_keep.click()
    expect(console.bulk_dialog).to_be_hidden()
    assert stack.api.job(newer["job_id"])["status"] == "PENDING"


def test_c_on_unloaded_job_claims_no_state(console, stack):
    # A job id the console has not loaded: the dialog must not say the job has not started.
    console.open("?job=999999")
    console.page.locator("body").click(position={"x": 5, "y": 5})
    console.page.keyboard.press("c")
    expect(console.cancel_dialog).to_be_visible()
    expect(console.cancel_summary).to_have_text(re.compile(r"^The console has not loaded this job"))
    console.cancel_confirm.click()
    expect(console.notice).to_have_text("Job 999999 not found.")
