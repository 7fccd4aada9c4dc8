"""A standard-library simulator of the sandbox jobs API, for development and tests.

It reproduces the observed behaviour of the real service (FastAPI on
pydantic 1 with SQLite): the routes and their query parameters, the error
bodies, the timestamp format, and the lazy lifecycle in which jobs move only
when a request arrives. Run it alone with ``python -m sandbox --demo``, or
embed it::

    from sandbox import make_server, FakeClock
    server = make_server(port=0, seed=1, clock=FakeClock())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ...  # requests to server.url; server.store is the JobStore
    server.shutdown()
    server.server_close()
"""

from .clock import FakeClock, SystemClock
from .server import SandboxServer, make_server
from .store import JobStore

__all__ = ["FakeClock", "JobStore", "SandboxServer", "SystemClock", "make_server"]
