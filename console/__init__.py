"""Browser-side package of the jobs console.

The modules without a ``pyscript`` import (timefmt, jobs, api, skew, view,
paging) are pure logic that runs unchanged under MicroPython in the page and
under CPython in the unit tests. The rest touch the DOM and only run in the
browser.
"""
