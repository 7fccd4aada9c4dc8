"""Run the simulator alone: ``python -m sandbox [--port 8000] [--db FILE] [--seed N] [--demo]``.

It prints the URL it listens on, logs one line per request to stderr, and
stops cleanly on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sqlite3
import sys
from types import FrameType

from .server import TRANSITION_DELAY, make_server


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Serve a simulator of the sandbox jobs API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port to listen on, 0 for any free port (default: %(default)s)")
    parser.add_argument("--db", metavar="FILE", help="SQLite file that keeps jobs across restarts (default: in memory)")
    parser.add_argument("--seed", type=int, help="seed for the lifecycle's random delays and outcomes (default: unseeded)")
    parser.add_argument("--demo", action="store_true", help="fill an empty store with about an hour of recent jobs")
    parser.add_argument(
        "--transition-delay",
        type=float,
        default=TRANSITION_DELAY,
        metavar="SECONDS",
        help="real time in seconds that each job transition takes; the real server needs about 0.012 (default: %(default)s)",
    )
    return parser.parse_args(argv)


def stop_on_sigterm(signal_number: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)

    try:
        server = make_server(
            host=arguments.host,
            port=arguments.port,
            db=arguments.db,
            seed=arguments.seed,
            demo=arguments.demo,
            transition_delay=arguments.transition_delay,
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(
                f"error: cannot listen on {arguments.host}:{arguments.port} because the address is already in use; "
                "stop the other server or choose another port with --port",
                file=sys.stderr,
            )
        else:
            print(f"error: cannot listen on {arguments.host}:{arguments.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"error: cannot open the database {arguments.db!r}: {error}", file=sys.stderr)
        return 1

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        # The banner is inside the try because a client may stop the server
        # as soon as it reads the URL, even before print() returns.
        print(f"sandbox jobs API listening on {server.url} (Ctrl+C to stop)", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("sandbox jobs API stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
