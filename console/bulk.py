"""Plan a batch of new jobs: their messages and their scheduled times.

``{n}`` in the message pattern becomes the job's number in the batch, from
1. A batch spread over a window gets evenly spaced times, the first at the
start and the last at the end.
"""

MAX_BATCH = 500


def parse_count(text, unreadable=False):
    """Return the batch size typed in the form, or raise ValueError with a sentence.

    An empty field means one job. unreadable is the number field's
    validity.badInput. It is true when the browser cannot read the field's text
    as a number, and the field's value is then "", as for an empty field.
    """
    whole_number_sentence = "Enter how many jobs as a whole number from 1 to %d." % MAX_BATCH
    if unreadable:
        raise ValueError("The text in How many is not a number. " + whole_number_sentence)
    value = (text or "").strip()
    if not value:
        return 1
    # A negative whole number is out of range, and its sentence below names it.
    digits = value[1:] if value[0] == "-" else value
    if not digits or not all(char in "0123456789" for char in digits):
        raise ValueError(whole_number_sentence)
    count = int(value)
    if not 1 <= count <= MAX_BATCH:
        raise ValueError("Create from 1 to %d jobs at a time, not %d." % (MAX_BATCH, count))
    return count


def message_for(pattern, number):
    return pattern.replace("{n}", str(number))


def spread_times(start, end, count):
    """Return count epochs from start to end, evenly spaced; end None means all at start."""
    if end is None or count == 1:
        return [start] * count
    if end < start:
        raise ValueError("The end of the window is before its start.")
    step = (end - start) / (count - 1)
    return [start + step * index for index in range(count)]


def describe_ids(ids):
    """Return ids as short ranges in the given order: ``101-105, 107, 110-111``."""
    parts = []
    start = None
    previous = None
    for job_id in ids:
        if start is None:
            start = previous = job_id
            continue
        if job_id == previous + 1:
            previous = job_id
            continue
        parts.append(_range_text(start, previous))
        start = previous = job_id
    if start is not None:
        parts.append(_range_text(start, previous))
    return ", ".join(parts)


def not_attempted_text(count):
    """Return the sentence, with a leading space, for batch requests never sent, or "" for none."""
    if count <= 0:
        return ""
    return " %d more %s not attempted." % (count, "was" if count == 1 else "were")


def _range_text(first, last):
    if first == last:
        return str(first)
    return "%d-%d" % (first, last)
