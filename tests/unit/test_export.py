"""CSV export: the leading ' that keeps a message as text, even one that reads as a number."""

import csv
import io

import pytest

from console import export

JOB = {"job_id": 7, "status": "PENDING", "message": "", "created_at": "2026-12-04T19:37:31.469000",
       "status_at": "2026-12-04T19:37:31.469000", "next_attempt_at": None}


# A spreadsheet would show these messages as numbers, and "+1" as 1, without the '.
@pytest.mark.parametrize("message, cell", [
    ("+1", "'+1"),
    ("-5", "'-5"),
    ("-1.5", "'-1.5"),
    ("+1e3", "'+1e3"),
])
def test_csv_cell_prefixes_numeric_text(message, cell):
    assert export.csv_cell(message) == cell


def test_csv_cell_numbers_stay_numbers():
    # Text that reads as a negative number gets the prefix, but a number is written as it is.
    assert export.csv_cell("-1") == "'-1"
    assert export.csv_cell(-1) == "-1"
    assert export.csv_cell(42) == "42"


def test_to_csv_numeric_message_as_text():
    text = export.to_csv([dict(JOB, message="+1")])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["message"] == "'+1"
    assert rows[0]["job_id"] == "7"
