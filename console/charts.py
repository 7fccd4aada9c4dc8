"""Small SVG charts of the page's activity log (browser only).

The charts hold only numbers and times the page computed, and every label
goes in through ``textContent``. Each chart is redrawn only when its data
changed or once a minute for the time axis, never on a refresh with no news.

Each container gets its SVG skeleton once, on its first draw. Later draws
only set attributes and texts of the existing elements, and skip a write
whose value is unchanged, because an unchanged write still counts as a DOM
mutation. The finished chart keeps one pair of bar rectangles for every
minute of history the activity log keeps, so its element count never grows.
"""

from pyscript import document

from console import activity
from console.patch import Patcher

SVG = "http://www.w3.org/2000/svg"
WIDTH = 320
HEIGHT = 120
LEFT = 28
BOTTOM = 18
TOP = 22
RIGHT = 6
# The bar chart spans at least this many minutes, so one busy minute is not one wide slab.
MIN_MINUTES = 10
BAR_SLOTS = activity.HISTORY_MINUTES

# Chart state by container id, so a redraw finds the elements it built before.
_charts = {}


class _Node:
    """A DOM element and a Patcher that remembers what was last written to it."""

    def __init__(self, element):
        self.element = element
        self.patch = Patcher()

    def set(self, name, value):
        """Write an attribute unless it already has this value. A value of None removes the attribute."""
        self.patch.attr("", self.element, name, value)

    def set_text(self, text):
        self.patch.text("", self.element, text)


def _node(parent, name, attributes, text=None):
    """Create an SVG element with fixed attributes, append it to parent unless that is None, and return its _Node."""
    node = _Node(document.createElementNS(SVG, name))
    for key in attributes:
        node.set(key, str(attributes[key]))
    if text is not None:
        node.set_text(text)
    if parent is not None:
        parent.element.append(node.element)
    return node


def _paragraph(text):
    paragraph = document.createElement("p")
    paragraph.className = "chart-empty"
    paragraph.textContent = text
    return paragraph


class _Chart:
    """A container's chart: its SVG skeleton, its empty-state paragraph and which of them is in the container."""

    def __init__(self, empty_text):
        self.svg = _node(None, "svg", {"viewBox": "0 0 %d %d" % (WIDTH, HEIGHT), "role": "img"})
        _node(self.svg, "line", {"class": "axis", "x1": LEFT, "y1": HEIGHT - BOTTOM, "x2": WIDTH - RIGHT,
                                 "y2": HEIGHT - BOTTOM})
        _node(self.svg, "line", {"class": "axis", "x1": LEFT, "y1": TOP, "x2": LEFT, "y2": HEIGHT - BOTTOM})
        self.empty = _paragraph(empty_text)
        self.svg_shown = None

    def add_scale_and_time_labels(self):
        """Append the y-axis maximum, the y-axis zero and the start and end time labels."""
        self.top_label = _node(self.svg, "text", {"x": LEFT - 4, "y": TOP + 8, "text-anchor": "end"})
        _node(self.svg, "text", {"x": LEFT - 4, "y": HEIGHT - BOTTOM, "text-anchor": "end"}, "0")
        self.start_label = _node(self.svg, "text", {"x": LEFT, "y": HEIGHT - 4, "text-anchor": "start"})
        self.end_label = _node(self.svg, "text", {"x": WIDTH - RIGHT, "y": HEIGHT - 4, "text-anchor": "end"})

    def set_time_labels(self, start, end, times):
        self.start_label.set_text(times.short(start)[-8:-3])
        self.end_label.set_text(times.short(end)[-8:-3])

    def show(self, container, svg_shown):
        """Put the SVG (svg_shown True) or the empty-state paragraph in the container, unless it is already there."""
        element = self.svg.element if svg_shown else self.empty
        # isConnected is False when the container itself was replaced since the last draw.
        if self.svg_shown is not svg_shown or not element.isConnected:
            container.replaceChildren(element)
            self.svg_shown = svg_shown


class _ActiveChart(_Chart):
    def __init__(self):
        _Chart.__init__(self, "No counts read yet.")
        # Paths, not polylines, so a line can stop where the counts went unread.
        self.lines = (
            _node(self.svg, "path", {"class": "line-pending"}),
            _node(self.svg, "path", {"class": "line-running"}),
        )
        self.add_scale_and_time_labels()
        _node(self.svg, "rect", {"class": "legend-pending", "x": LEFT + 6, "y": 4, "width": 8, "height": 8})
        self.pending_label = _node(self.svg, "text", {"x": LEFT + 18, "y": 12})
        _node(self.svg, "rect", {"class": "legend-running", "x": LEFT + 96, "y": 4, "width": 8, "height": 8})
        self.running_label = _node(self.svg, "text", {"x": LEFT + 108, "y": 12})


class _FinishedChart(_Chart):
    def __init__(self):
        _Chart.__init__(self, "No job seen finishing yet.")
        # One succeeded and one failed bar per minute slot, hidden with display="none" while unused.
        self.bars = []
        for _ in range(BAR_SLOTS):
            succeeded = _node(self.svg, "rect", {"class": "bar-succeeded", "display": "none"})
            failed = _node(self.svg, "rect", {"class": "bar-failed", "display": "none"})
            self.bars.append((succeeded, failed))
        self.add_scale_and_time_labels()
        _node(self.svg, "rect", {"class": "bar-succeeded legend", "x": LEFT + 6, "y": 4, "width": 8, "height": 8})
        self.succeeded_label = _node(self.svg, "text", {"x": LEFT + 18, "y": 12})
        _node(self.svg, "rect", {"class": "bar-failed legend", "x": LEFT + 110, "y": 4, "width": 8, "height": 8})
        self.failed_label = _node(self.svg, "text", {"x": LEFT + 122, "y": 12})


def _chart_for(container, kind):
    """Return the chart state of this container, building its elements on the first call."""
    key = container.id
    if not key:
        raise ValueError("chart container has no id: give it an id attribute, which redraws use to find its elements")
    chart = _charts.get(key)
    if chart is None or not isinstance(chart, kind):
        chart = kind()
        _charts[key] = chart
    return chart


def _y_scale(maximum):
    top = max(1, maximum)
    plot = HEIGHT - BOTTOM - TOP
    return top, lambda value: HEIGHT - BOTTOM - plot * value / top


def draw_active(container, samples, now, times, read_until=None):
    """Draw pending and running counts as step lines from the first sample.

    The lines end at read_until, the last read of the counts, or at the end
    of the time axis when it is None. A sample with a fourth field starts a new line: that field is
    the time up to which the samples before it are known, so an outage shows
    as a gap on the time axis.
    """
    chart = _chart_for(container, _ActiveChart)
    if not samples:
        chart.show(container, False)
        return
    start = samples[0][0]
    end = max(now, start + 60)
    span = end - start
    top, y = _y_scale(max(max(s[1], s[2]) for s in samples))

    def x(epoch):
        return LEFT + (WIDTH - LEFT - RIGHT) * (epoch - start) / span

    last = samples[-1]
    chart.svg.set("aria-label", "Pending and running jobs from %s to %s: now %d pending, %d running" % (
        times.short(start), times.short(end), last[1], last[2]))
    # While the counts are read, the last count is drawn up to the axis's end. That end is at
    # least a minute after the first read, so a new page's lines span the chart.
    known_until = end if read_until is None else min(read_until, end)
    for index, line in ((1, chart.lines[0]), (2, chart.lines[1])):
        steps = []
        previous = None
        for sample in samples:
            if previous is not None and len(sample) > 3:
                # The previous line continues until the last read before the gap, then the pen lifts.
                steps.append("L%.1f,%.1f" % (x(sample[3]), y(previous)))
                previous = None
            if previous is None:
                steps.append("M%.1f,%.1f" % (x(sample[0]), y(sample[index])))
            else:
                steps.append("L%.1f,%.1f L%.1f,%.1f" % (x(sample[0]), y(previous), x(sample[0]), y(sample[index])))
            previous = sample[index]
        steps.append("L%.1f,%.1f" % (x(max(known_until, samples[-1][0])), y(previous)))
        line.set("d", " ".join(steps))
    chart.top_label.set_text(str(top))
    chart.set_time_labels(start, end, times)
    chart.pending_label.set_text("Pending %d" % last[1])
    chart.running_label.set_text("Running %d" % last[2])
    chart.show(container, True)


def draw_finished(container, rows, times):
    """Draw stacked bars of succeeded and failed finishes per minute."""
    chart = _chart_for(container, _FinishedChart)
    if len(rows) > BAR_SLOTS:
        # ActivityLog.finished_per_minute returns at most BAR_SLOTS rows, so this only guards the pool size.
        rows = rows[-BAR_SLOTS:]
    succeeded = sum(row[1] for row in rows)
    failed = sum(row[2] for row in rows)
    if not succeeded and not failed:
        chart.show(container, False)
        return
    top, y = _y_scale(max(row[1] + row[2] for row in rows))
    slots = max(len(rows), MIN_MINUTES)
    width = (WIDTH - LEFT - RIGHT) / slots
    # The newest minute sits at the right edge, so the axis ends now, not minutes ahead.
    first_slot = slots - len(rows)
    bar_width = "%.1f" % max(width - 2, 1)
    chart.svg.set("aria-label", "Jobs finished per minute since %s: %d succeeded, %d failed" % (
        times.short(rows[0][0]), succeeded, failed))
    for index in range(BAR_SLOTS):
        succeeded_bar, failed_bar = chart.bars[index]
        if index >= len(rows):
            succeeded_bar.set("display", "none")
            failed_bar.set("display", "none")
            continue
        ok_count = rows[index][1]
        failed_count = rows[index][2]
        x = "%.1f" % (LEFT + (first_slot + index) * width + 1)
        if ok_count:
            _place_bar(succeeded_bar, x, bar_width, y(ok_count), HEIGHT - BOTTOM - y(ok_count))
        else:
            succeeded_bar.set("display", "none")
        if failed_count:
            top_y = y(ok_count + failed_count)
            _place_bar(failed_bar, x, bar_width, top_y, y(ok_count) - top_y)
        else:
            failed_bar.set("display", "none")
    chart.top_label.set_text(str(top))
    # Each end label names the minute of the slot above it, as the bars do.
    last_minute = rows[-1][0]
    chart.set_time_labels(last_minute - 60 * (slots - 1), last_minute, times)
    chart.succeeded_label.set_text("Succeeded %d" % succeeded)
    chart.failed_label.set_text("Failed %d" % failed)
    chart.show(container, True)


def _place_bar(bar, x, width, top_y, height):
    bar.set("x", x)
    bar.set("y", "%.1f" % top_y)
    bar.set("width", width)
    bar.set("height", "%.1f" % height)
    bar.set("display", None)
