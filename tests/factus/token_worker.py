"""One worker process for test_shared_cache: hammer Factus through a Redis-shared TokenManager.

Usage: python -m tests.factus.token_worker BASE_URL READY_DIR PROCESSES DURATION THREADS LEEWAY
(CACHE_URL must point at the shared Redis). Each process, once set up, leaves a file in READY_DIR
and waits for PROCESSES files, so all of them call at once however slow the machine is to start
them. Prints one JSON line: ok, failed, errors.
"""

import json
import os
import sys
import threading
import time
from pathlib import Path


def wait_for_all(ready_dir: Path, processes: int) -> float:
    """Say this process is ready, wait for the others (60 s at most); the common start time."""
    (ready_dir / str(os.getpid())).touch()
    deadline = time.monotonic() + 60
    while len(list(ready_dir.iterdir())) < processes and time.monotonic() < deadline:
        time.sleep(0.02)
    return time.time()


def main(base_url: str, ready_dir: Path, processes: int, duration: float, threads: int, leeway: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factus_project.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "token-worker-insecure-key")
    import django

    django.setup()
    from factus.auth import TokenManager
    from factus.client import FactusClient
    from factus.conf import FactusSettings
    from factus.http import build_session

    conf = FactusSettings(
        base_url=base_url,
        client_id="emulator-client-id",
        client_secret="emulator-client-secret",
        username="demo@emulador-factus.com",
        password="emulador-demo",
        timeout=10,
        connect_timeout=2,
        token_leeway=leeway,
    )
    session = build_session(conf)
    client = FactusClient(base_url, TokenManager(conf, session=session), session)
    results = {"ok": 0, "failed": 0, "errors": []}
    lock = threading.Lock()

    def loop():
        while time.time() < start_at + duration:
            try:
                client.get_company()
                outcome = "ok"
            except Exception as exc:  # every failure is counted and reported
                outcome = repr(exc)
            with lock:
                if outcome == "ok":
                    results["ok"] += 1
                else:
                    results["failed"] += 1
                    results["errors"] = [*results["errors"], outcome][:5]

    start_at = wait_for_all(ready_dir, processes)
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    url, ready, processes, seconds, count, leeway = sys.argv[1:7]
    main(url, Path(ready), int(processes), float(seconds), int(count), int(leeway))
