"""Small SVG charts of the page's activity log (browser only).

The charts hold only numbers and times the page computed, and every label
goes in through ``textContent``. Each chart is redrawn only when its data
changed or once a minute for the time axis, never on a refresh with no news.
"""

from pyscript import document

from console import timefmt

SVG = "http://www.w3.org/2000/svg"
WIDTH = 320
HEIGHT = 120
LEFT = 28
BOTTOM = 18
TOP = 22
RIGHT = 6
# The bar chart spans at least this many minutes, so one busy minute is not one wide slab.
MIN_MINUTES = 10


def _node(name, attributes, text=None):
    element = document.createElementNS(SVG, name)
    for key in attributes:
        element.setAttribute(key, str(attributes[key]))
    if text is not None:
        element.textContent = text
    return element


def _frame(label):
    svg = _node("svg", {"viewBox": "0 0 %d %d" % (WIDTH, HEIGHT), "role": "img", "aria-label": label})
    svg.append(_node("line", {"class": "axis", "x1": LEFT, "y1": HEIGHT - BOTTOM, "x2": WIDTH - RIGHT,
                              "y2": HEIGHT - BOTTOM}))
    svg.append(_node("line", {"class": "axis", "x1": LEFT, "y1": TOP, "x2": LEFT, "y2": HEIGHT - BOTTOM}))
    return svg


def _y_scale(maximum):
    top = max(1, maximum)
    plot = HEIGHT - BOTTOM - TOP
    return top, lambda value: HEIGHT - BOTTOM - plot * value / top


def _time_labels(svg, start, end, times):
    for epoch, anchor in ((start, "start"), (end, "end")):
        x = LEFT if anchor == "start" else WIDTH - RIGHT
        svg.append(_node("text", {"x": x, "y": HEIGHT - 4, "text-anchor": anchor},
                         times.short(epoch)[-8:-3]))


def draw_active(container, samples, now, times):
    """Draw pending and running counts as step lines from the first sample to now."""
    container.replaceChildren()
    if not samples:
        container.append(_empty("No counts read yet."))
        return
    start = samples[0][0]
    end = max(now, start + 60)
    span = end - start
    top, y = _y_scale(max(max(s[1], s[2]) for s in samples))

    def x(epoch):
        return LEFT + (WIDTH - LEFT - RIGHT) * (epoch - start) / span

    last = samples[-1]
    svg = _frame("Pending and running jobs from %s to %s: now %d pending, %d running" % (
        times.short(start), times.short(end), last[1], last[2]))
    for index, name in ((1, "pending"), (2, "running")):
        points = []
        previous = None
        for sample in samples:
            if previous is not None:
                points.append("%.1f,%.1f" % (x(sample[0]), y(previous)))
            points.append("%.1f,%.1f" % (x(sample[0]), y(sample[index])))
            previous = sample[index]
        points.append("%.1f,%.1f" % (x(end), y(previous)))
        svg.append(_node("polyline", {"class": "line-" + name, "points": " ".join(points)}))
    svg.append(_node("text", {"x": LEFT - 4, "y": TOP + 8, "text-anchor": "end"}, str(top)))
    svg.append(_node("text", {"x": LEFT - 4, "y": HEIGHT - BOTTOM, "text-anchor": "end"}, "0"))
    _time_labels(svg, start, end, times)
    svg.append(_node("rect", {"class": "legend-pending", "x": LEFT + 6, "y": 4, "width": 8, "height": 8}))
    svg.append(_node("text", {"x": LEFT + 18, "y": 12}, "Pending %d" % last[1]))
    svg.append(_node("rect", {"class": "legend-running", "x": LEFT + 96, "y": 4, "width": 8, "height": 8}))
    svg.append(_node("text", {"x": LEFT + 108, "y": 12}, "Running %d" % last[2]))
    container.append(svg)


def draw_finished(container, rows, times):
    """Draw stacked bars of succeeded and failed finishes per minute."""
    container.replaceChildren()
    succeeded = sum(row[1] for row in rows)
    failed = sum(row[2] for row in rows)
    if not succeeded and not failed:
        container.append(_empty("No job seen finishing yet."))
        return
    top, y = _y_scale(max(row[1] + row[2] for row in rows))
    width = (WIDTH - LEFT - RIGHT) / max(len(rows), MIN_MINUTES)
    svg = _frame("Jobs finished per minute since %s: %d succeeded, %d failed" % (
        times.short(rows[0][0]), succeeded, failed))
    for index, (minute, ok_count, failed_count) in enumerate(rows):
        x = LEFT + index * width + 1
        bar_width = max(width - 2, 1)
        if ok_count:
            svg.append(_node("rect", {"class": "bar-succeeded", "x": "%.1f" % x, "y": "%.1f" % y(ok_count),
                                      "width": "%.1f" % bar_width, "height": "%.1f" % (HEIGHT - BOTTOM - y(ok_count))},
                             ))
        if failed_count:
            top_y = y(ok_count + failed_count)
            svg.append(_node("rect", {"class": "bar-failed", "x": "%.1f" % x, "y": "%.1f" % top_y,
                                      "width": "%.1f" % bar_width, "height": "%.1f" % (y(ok_count) - top_y)}))
    svg.append(_node("text", {"x": LEFT - 4, "y": TOP + 8, "text-anchor": "end"}, str(top)))
    svg.append(_node("text", {"x": LEFT - 4, "y": HEIGHT - BOTTOM, "text-anchor": "end"}, "0"))
    _time_labels(svg, rows[0][0], rows[0][0] + 60 * max(len(rows), MIN_MINUTES), times)
    svg.append(_node("rect", {"class": "bar-succeeded legend", "x": LEFT + 6, "y": 4, "width": 8, "height": 8}))
    svg.append(_node("text", {"x": LEFT + 18, "y": 12}, "Succeeded %d" % succeeded))
    svg.append(_node("rect", {"class": "bar-failed legend", "x": LEFT + 110, "y": 4, "width": 8, "height": 8}))
    svg.append(_node("text", {"x": LEFT + 122, "y": 12}, "Failed %d" % failed))
    container.append(svg)


def _empty(text):
    paragraph = document.createElement("p")
    paragraph.className = "chart-empty"
    paragraph.textContent = text
    return paragraph
