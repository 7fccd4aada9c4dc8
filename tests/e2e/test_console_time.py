"""Times in the browser's zone, read from the API as UTC."""

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("timezone_id,local,utc", [
    ("America/Chicago", "2030-07-04 07:30:00", "2030-07-04T12:30:00.000000"),
    ("Asia/Shanghai", "2030-07-04 20:30:00", "2030-07-04T12:30:00.000000"),
    ("Australia/Adelaide", "2030-07-04 22:00:00", "2030-07-04T12:30:00.000000"),
])
def test_api_time_shown_in_zone(console, stack, timezone_id, local, utc):
    job = stack.api.create("zone check", utc)
    console.go_to_job(str(job["job_id"]))
    expect(console.detail_next).to_have_text(re.compile("^" + re.escape(local)))
    expect(console.detail_next).to_have_attribute("title", re.compile(re.escape(timezone_id)))
    expect(console.zone_label).to_have_text(re.compile("Times in " + re.escape(timezone_id)))
