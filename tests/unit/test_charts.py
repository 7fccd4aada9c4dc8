"""The activity charts drawn into a fake DOM that counts mutations.

console.charts imports ``document`` from PyScript, so each test installs a
fake ``pyscript`` module and imports a fresh copy of console.charts. The
fake counts what a MutationObserver would: one mutation per attribute
write or removal, text write and child list change.
"""

import importlib
import sys
import types

import pytest

from console import activity

MINUTE = 60
START = 1796413020.0  # a minute boundary, 2026-12-04T19:37:00Z


class FakeDocument:
    def __init__(self):
        self.mutations = 0
        self.created = 0
        self.body = FakeElement(self, "body")

    def createElementNS(self, namespace, tag):
        self.created += 1
        return FakeElement(self, tag)

    def createElement(self, tag):
        self.created += 1
        return FakeElement(self, tag)


class FakeElement:
    def __init__(self, document, tag):
        self.document = document
        self.tag = tag
        self.attributes = {}
        self.children = []
        self.parent = None
        self.id = ""
        self.className = ""
        self._text = ""

    def setAttribute(self, name, value):
        assert isinstance(value, str), (name, value)
        self.document.mutations += 1
        self.attributes[name] = value

    def removeAttribute(self, name):
        self.document.mutations += 1
        self.attributes.pop(name, None)

    @property
    def textContent(self):
        return self._text

    @textContent.setter
    def textContent(self, text):
        self.document.mutations += 1
        self._text = text

    def append(self, child):
        self.document.mutations += 1
        child.parent = self
        self.children.append(child)

    def replaceChildren(self, *children):
        self.document.mutations += 1
        for child in self.children:
            child.parent = None
        self.children = list(children)
        for child in children:
            child.parent = self

    @property
    def isConnected(self):
        node = self
        while node.parent is not None:
            node = node.parent
        return node is self.document.body

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()


class FakeTimes:
    def short(self, epoch):
        seconds = int(epoch) % 86400
        return "%02d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


@pytest.fixture
def dom(monkeypatch):
    document = FakeDocument()
    monkeypatch.setitem(sys.modules, "pyscript", types.SimpleNamespace(document=document))
    monkeypatch.delitem(sys.modules, "console.charts", raising=False)
    charts = importlib.import_module("console.charts")
    monkeypatch.delitem(sys.modules, "console.charts")
    return charts, document


def make_container(document, element_id):
    container = FakeElement(document, "div")
    container.id = element_id
    document.body.append(container)
    return container


def visible_bars(container):
    return [element for element in container.descendants()
            if element.tag == "rect" and "legend" not in element.attributes["class"]
            and element.attributes.get("display") != "none"]


def test_active_chart_empty_then_lines(dom):
    charts, document = dom
    container = make_container(document, "chart-active")
    charts.draw_active(container, [], START, FakeTimes())
    assert [child.tag for child in container.children] == ["p"]
    assert container.children[0].textContent == "No counts read yet."

    charts.draw_active(container, [(START, 2, 1)], START + 30, FakeTimes())
    svg = container.children[0]
    assert svg.tag == "svg"
    assert svg.attributes["aria-label"] == "Pending and running jobs from 19:37:00 to 19:38:00: now 2 pending, 1 running"
    lines = [element for element in svg.descendants() if element.tag == "path"]
    assert [line.attributes["class"] for line in lines] == ["line-pending", "line-running"]
    texts = [element.textContent for element in svg.descendants() if element.tag == "text"]
    assert texts == ["2", "0", "19:37", "19:38", "Pending 2", "Running 1"]
    # Without an outage the lines run to the right edge of the axis.
    assert line_of(svg, "line-pending") == "M28.0,22.0 L314.0,22.0"


def test_active_chart_reuses_elements(dom):
    charts, document = dom
    container = make_container(document, "chart-active")
    samples = [(START, 0, 0)]
    charts.draw_active(container, samples, START, FakeTimes())
    svg = container.children[0]
    count = len(list(svg.descendants()))
    created = document.created
    for step in range(1, 200):
        samples.append((START + step * 10, step % 7, step % 3))
        charts.draw_active(container, samples, START + step * 10, FakeTimes())
    assert container.children == [svg]
    assert len(list(svg.descendants())) == count
    assert document.created == created


def test_active_chart_unchanged_redraw_writes_nothing(dom):
    charts, document = dom
    container = make_container(document, "chart-active")
    samples = [(START, 1, 0), (START + 20, 3, 1)]
    charts.draw_active(container, samples, START + 40, FakeTimes())
    before = document.mutations
    charts.draw_active(container, samples, START + 40, FakeTimes())
    assert document.mutations == before


def test_finished_chart_empty_then_bars(dom):
    charts, document = dom
    container = make_container(document, "chart-finished")
    charts.draw_finished(container, [(START, 0, 0)], FakeTimes())
    assert [child.tag for child in container.children] == ["p"]
    assert container.children[0].textContent == "No job seen finishing yet."

    charts.draw_finished(container, [(START, 1, 0), (START + MINUTE, 2, 1)], FakeTimes())
    svg = container.children[0]
    assert svg.attributes["aria-label"] == "Jobs finished per minute since 19:37:00: 3 succeeded, 1 failed"
    bars = visible_bars(container)
    assert [bar.attributes["class"] for bar in bars] == ["bar-succeeded", "bar-succeeded", "bar-failed"]
    assert [bar.attributes["height"] for bar in bars] == ["26.7", "53.3", "26.7"]
    assert bars[2].attributes["y"] == "22.0"
    # The newest minute is the rightmost slot of ten, so the axis ends with it, not in the future.
    assert bars[-1].attributes["x"] == "286.4"
    texts = [element.textContent for element in svg.descendants() if element.tag == "text"]
    # The end labels name the minutes of the first slot and of the newest bar.
    assert texts == ["3", "0", "19:29", "19:38", "Succeeded 3", "Failed 1"]


def test_finished_chart_fixed_bar_pool(dom):
    charts, document = dom
    container = make_container(document, "chart-finished")
    rows = [(START, 1, 0)]
    charts.draw_finished(container, rows, FakeTimes())
    svg = container.children[0]
    count = len(list(svg.descendants()))
    bars = [element for element in svg.descendants() if element.tag == "rect" and "legend" not in element.attributes["class"]]
    assert len(bars) == 2 * activity.HISTORY_MINUTES
    created = document.created
    for minute in range(1, activity.HISTORY_MINUTES + 30):
        rows = rows[-(activity.HISTORY_MINUTES - 1):] + [(START + minute * MINUTE, minute % 4, minute % 2)]
        charts.draw_finished(container, rows, FakeTimes())
        assert len(rows) <= activity.HISTORY_MINUTES
        assert len(visible_bars(container)) == sum((row[1] > 0) + (row[2] > 0) for row in rows)
    assert container.children == [svg]
    assert len(list(svg.descendants())) == count
    assert document.created == created


def test_finished_chart_unchanged_redraw_writes_nothing(dom):
    charts, document = dom
    container = make_container(document, "chart-finished")
    rows = [(START, 1, 0), (START + MINUTE, 0, 2)]
    charts.draw_finished(container, rows, FakeTimes())
    before = document.mutations
    charts.draw_finished(container, rows, FakeTimes())
    assert document.mutations == before


def test_chart_rebuilt_for_new_container(dom):
    charts, document = dom
    old = make_container(document, "chart-active")
    charts.draw_active(old, [(START, 1, 0)], START, FakeTimes())
    document.body.replaceChildren()
    new = make_container(document, "chart-active")
    charts.draw_active(new, [(START, 1, 0)], START, FakeTimes())
    assert [child.tag for child in new.children] == ["svg"]


def test_history_minutes_cap():
    log = activity.ActivityLog(START)
    rows = log.finished_per_minute(START + 3 * 3600)
    assert len(rows) == activity.HISTORY_MINUTES
    assert rows[-1][0] == START + 3 * 3600


def line_of(svg, name):
    (line,) = [element for element in svg.descendants() if element.attributes.get("class") == name]
    return line.attributes["d"]


def test_active_line_ends_at_last_read(dom):
    charts, document = dom
    container = make_container(document, "chart-active")
    # x runs from 28 to 314 over the 60 s from START, and a count of 1 at the top of the scale is y 22.
    charts.draw_active(container, [(START, 1, 0)], START + 60, FakeTimes(), read_until=START + 30)
    svg = container.children[0]
    assert line_of(svg, "line-pending") == "M28.0,22.0 L171.0,22.0"


def test_active_line_breaks_at_gap(dom):
    charts, document = dom
    container = make_container(document, "chart-active")
    # Read until START + 15, then unread until the sample at START + 45.
    samples = [(START, 1, 0), (START + 45, 1, 0, START + 15)]
    charts.draw_active(container, samples, START + 60, FakeTimes(), read_until=START + 60)
    svg = container.children[0]
    assert line_of(svg, "line-pending") == "M28.0,22.0 L99.5,22.0 M242.5,22.0 L314.0,22.0"


def test_activity_log_marks_outage_once():
    log = activity.ActivityLog(START)
    assert log.mark_unread() is False  # nothing read yet, so no gap to mark
    assert log.add_counts(START, 2, 1) is True
    assert log.add_counts(START + 10, 2, 1) is False
    assert log.read_until == START + 10
    assert log.mark_unread() is True
    assert log.mark_unread() is False
    # The first read after the outage is kept even with the same counts, and ends the gap.
    assert log.add_counts(START + 40, 2, 1) is True
    assert log.samples[-1] == (START + 40, 2, 1, START + 10)
    assert log.add_counts(START + 50, 2, 1) is False
