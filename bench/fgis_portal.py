#!/usr/bin/env python3
"""The local ФГИС ЦС portal of the collector's bench (bench/collector_bench.sh): the test portal
(tests/integration/fake_fgis.py: the portal's paths and answer shapes) serving a full-size
synthetic base (tools/generate_base.py) — its ФСНБ files as the data set's zip, its three regions'
prices through the paginated price searches.

    bench/fgis_portal.py BASE_DIR URL_FILE REQUESTS_FILE

Writes its base URL to URL_FILE once serving; on SIGTERM writes the time of every request it got
to REQUESTS_FILE (one per line) and exits."""
import io
import json
import os
import signal
import sys
import threading
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from fake_fgis import FSNB, Portal  # noqa: E402

REGIONS = {"28": (283, "Амурская область", 152), "77": (323, "г. Москва", 191), "62": (343, "Рязанская область", 169)}


def main():
    base, url_file, requests_file = sys.argv[1:4]
    portal = Portal()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in sorted(os.listdir(base)):
            if not name.startswith("prices_"):
                z.write(os.path.join(base, name), name)
    portal.publish(FSNB, "data-20260812-structure-20240216.zip", buf.getvalue())
    portal.subjects = []
    portal.zones = {}
    for name in sorted(os.listdir(base)):
        if not name.startswith("prices_"):
            continue
        region = name.split("_")[1]
        subject, title, zone = REGIONS[region]
        portal.subjects.append({"id": subject, "name": title})
        portal.zones[subject] = [{"id": zone, "name": title}]
        with open(os.path.join(base, name, "current_prices.json"), encoding="utf-8") as f:
            items = json.load(f)["items"][0]["items"]
        with open(os.path.join(base, name, "worker_salary.json"), encoding="utf-8") as f:
            salary = json.load(f)["items"]
        portal.publish_prices(zone, 420, "2 квартал 2025 г.", [x for x in items if x.get("ksrType") != 2],
                              machines=[x for x in items if x.get("ksrType") == 2], salary=salary)
    portal.start()
    with open(url_file, "w") as f:
        f.write(portal.url)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    with open(requests_file, "w") as f:
        for t, path, status in portal.requests:
            f.write("%.3f %d %s\n" % (t, status, path))
    portal.stop()


if __name__ == "__main__":
    main()
