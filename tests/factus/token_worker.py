"""One worker process for test_shared_cache: hammer Factus through a Redis-shared TokenManager.

Usage: python -m tests.factus.token_worker BASE_URL START_AT DURATION THREADS LEEWAY
(CACHE_URL must point at the shared Redis). Prints one JSON line: ok, failed, errors.
"""

import json
import os
import sys
import threading
import time


def main(base_url: str, start_at: float, duration: float, threads: int, leeway: int) -> None:
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

    time.sleep(max(0.0, start_at - time.time()))
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    url, start, seconds, count, leeway = sys.argv[1:6]
    main(url, float(start), float(seconds), int(count), int(leeway))
