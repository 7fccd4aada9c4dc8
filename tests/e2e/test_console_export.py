"""Taking data elsewhere: the current view as CSV and JSON, times in UTC."""

import csv
import io
import json
import re

import pytest
from playwright.sync_api import expect


def test_export_csv_of_view(console, stack):
    jobs = [stack.api.create_far_future('export, "quoted" %d' % index) for index in range(3)]
    console.filter("Pending")
    expect(console.row(jobs[-1]["job_id"])).to_be_visible()
    with console.page.expect_download() as download_info:
        console.export_csv.click()
    download = download_info.value
    assert download.suggested_filename.startswith("jobs-pending-page1-")
    text = open(download.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["job_id"]) for row in rows] == console.visible_ids()
    by_id = {int(row["job_id"]): row for row in rows}
    first = by_id[jobs[0]["job_id"]]
    assert first["message"] == 'export, "quoted" 0'
    assert first["next_attempt_at"] == "2099-01-01T00:00:00.000Z"
    assert first["created_at"].endswith("Z")
    assert first["status"] == "PENDING"


def test_export_json_of_view(console, stack):
    job = stack.api.create("exported json", "2020-01-01T00:00:00")
    stack.api.call("GET", "/")
    expect(console.row(job["job_id"])).to_be_visible()
    with console.page.expect_download() as download_info:
        console.export_json.click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert data["view"] == "status=all page=1 size=25"
    assert data["exported_at"].endswith("Z")
    assert data["read_at"].endswith("Z")
    assert data["read_at"] <= data["exported_at"]
    exported = {row["job_id"]: row for row in data["jobs"]}
    row = exported[job["job_id"]]
    assert row["status"] == "DONE"
    assert row["created_at"].endswith("Z")
    assert row["next_attempt_at"] is None
    assert list(row) == ["job_id", "status", "outcome", "message", "created_at", "status_at", "next_attempt_at"]


@pytest.mark.parametrize("formula", ["=1+1", "@SUM(A1)", "+1", "-5"])
def test_export_csv_defuses_formulas(console, stack, formula):
    job = stack.api.create_far_future(formula)
    expect(console.row(job["job_id"])).to_be_visible()
    with console.page.expect_download() as download_info:
        console.export_csv.click()
    rows = list(csv.DictReader(open(download_info.value.path(), encoding="utf-8")))
    assert {row["message"] for row in rows if int(row["job_id"]) == job["job_id"]} == {"'" + formula}


def test_export_during_outage_says_when_read(console, stack):
    job = stack.api.create_far_future("exported while down")
    expect(console.row(job["job_id"])).to_be_visible()
    stack.relay.stop()
    expect(console.banner_text).to_be_visible()
    with console.page.expect_download() as download_info:
        console.export_json.click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    expect(console.notice).to_have_text(re.compile(
        r"^Exported \d+ jobs? as JSON, as read at \d\d:\d\d:\d\d: the jobs API is not answering, so they may "
        r"be out of date\.$"))
    assert data["read_at"] < data["exported_at"]
    assert job["job_id"] in [row["job_id"] for row in data["jobs"]]
    stack.relay.start()
