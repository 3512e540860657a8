"""``python -m factus_emulator``: run the emulator as an HTTP server."""

from __future__ import annotations

import argparse

from .core import ANSWER_SHAPES, LOSE_MODES, Sandbox, parse_lose_modes
from .server import make_server
from .shapes import DOCUMENTED
from .state import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m factus_emulator", description="Offline Factus v1 emulator (test/demo only)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--token-ttl", type=int, default=3600, help="access token seconds")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to each call")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="fraction of calls answered 500 (0..1)")
    parser.add_argument(
        "--rate-limit", type=int, default=0, help="requests per minute per user (0 = off; Factus uses 80)"
    )
    parser.add_argument(
        "--lose-rate",
        type=float,
        default=0.0,
        help="fraction of document validates processed and stored whose answer is then lost (0..1)",
    )
    parser.add_argument(
        "--lose-modes",
        type=parse_lose_modes,
        default=list(LOSE_MODES),
        help="how answers are lost: any of drop,500,late (comma-separated)",
    )
    parser.add_argument(
        "--lose-late-seconds", type=float, default=25.0, help="delay of a 'late' answer, in seconds"
    )
    parser.add_argument(
        "--answer-shape",
        choices=ANSWER_SHAPES,
        default=DOCUMENTED,
        help="bill validate/show shape: as documented, or as the real sandbox answered in Jan 2025",
    )
    parser.add_argument("--state", default=None, help="JSON file to persist state in")
    parser.add_argument("--seed", type=int, default=None, help="seed for fault injection")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    sandbox = Sandbox(
        token_ttl=args.token_ttl,
        latency_ms=args.latency_ms,
        fail_rate=args.fail_rate,
        rate_limit=args.rate_limit or None,
        state_file=args.state,
        seed=args.seed,
        lose_rate=args.lose_rate,
        lose_modes=args.lose_modes,
        lose_late_seconds=args.lose_late_seconds,
        answer_shape=args.answer_shape,
    )
    server = make_server(sandbox, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"Factus emulator listening on http://{host}:{port}", flush=True)
    print(f"  client_id={CLIENT_ID} client_secret={CLIENT_SECRET}", flush=True)
    print(f"  username={USERNAME} password={PASSWORD}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
