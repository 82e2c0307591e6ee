"""Load-test the family search: 20 concurrent clients against `musterroll serve` on loopback.

Target (issue 8): a family search answers in at most 100 ms at the 95th percentile on a
register of 1,000,000 records under 20 concurrent clients.

    .venv/bin/python bench/bench_web_search.py --work /tmp/bench_web_search --keep

The register is a simulated war of --people people (2.8M give about 1.06M records),
ingested, linked with `musterroll link` and derived with `musterroll statuses derive`, made
once in --work and reused with --keep. The search keys are filled ahead of the run
(`refresh_search_keys`, timed) so that no query pays for them. The server is
`musterroll serve` (uvicorn, one worker) with the rate limit raised through its settings
(MUSTERROLL_SEARCH_RATE_LIMIT=10000, its largest value, per client and minute) and taken
per client from X-Forwarded-For (MUSTERROLL_TRUST_FORWARDED_FOR, as behind a reverse
proxy): each of the 20 clients is one family's address, an httpx AsyncClient with its own
CSRF cookie, sending POST /api/family/search back to back (a closed loop: no think time,
the hardest case for one process). Queries come from the simulation's truth: half people who
are on some list (hits), half people on none (misses); a third in Latin (KMU 2010), a
quarter without the patronymic. Prints a JSON report (also --work/report.json) with
p50/p95/p99, throughput, the share found, the server's CPU seconds and the load average
(the machine is shared: say so beside the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _musterroll() -> list[str]:
    exe = Path(sys.executable).with_name("musterroll")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "musterroll.cli"]


def _run(*args: str, quiet: bool = True) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([*_musterroll(), *args], check=True, stdout=out)


def prepare(work: Path, people: int, seed: int, keep: bool) -> tuple[str, dict[str, Any]]:
    """Simulate, ingest, link and derive once; return the register URL and timings."""
    work.mkdir(parents=True, exist_ok=True)
    war, ingested, register = work / "war", work / "ingested.db", work / "register.db"
    done, timings = work / "register.ready", {}
    if not (war / "manifest.json").exists():
        started = time.perf_counter()
        _run("simulate", "--seed", str(seed), "--people", str(people), "--out", str(war))
        timings["simulate_s"] = round(time.perf_counter() - started, 1)
    if not ingested.exists():
        started = time.perf_counter()
        url = f"sqlite:///{work / 'ingesting.db'}"
        _run("--db", url, "init")
        _run("--db", url, "ingest", "--manifest", str(war / "manifest.json"))
        (work / "ingesting.db").rename(ingested)
        timings["ingest_s"] = round(time.perf_counter() - started, 1)
    url = f"sqlite:///{register}"
    if not (keep and done.exists() and register.exists()):
        done.unlink(missing_ok=True)
        shutil.copy(ingested, register)
        _run("--db", url, "init")
        started = time.perf_counter()
        _run("--db", url, "link", "--json")
        timings["link_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        _run("--db", url, "statuses", "derive")
        timings["derive_s"] = round(time.perf_counter() - started, 1)
        done.write_text("linked and derived\n")
    _run("--db", url, "init")  # the newest schema, also on a kept register
    return url, timings


def fill_keys(url: str) -> dict[str, Any]:
    """Fill the search keys ahead of the run (what a first search would otherwise do)."""
    from musterroll.store import open_register
    from musterroll.web.search_keys import refresh_search_keys

    engine = open_register(url)
    try:
        done = refresh_search_keys(engine)
    finally:
        engine.dispose()
    return {"files_added": done.files_added, "records_keyed": done.records_added,
            "seconds": done.seconds}


def register_size(url: str) -> dict[str, int]:
    """Records, persons and search keys in the register."""
    from sqlalchemy import text

    from musterroll.store import open_register

    engine = open_register(url)
    try:
        with engine.connect() as conn:
            return {name: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                    for name, table in (("records", "records"), ("linked", "person_records"),
                                        ("search_keys", "search_keys"))}
    finally:
        engine.dispose()


def make_queries(war: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """Half hits (people on some list), half misses (people on none), spelled variously."""
    from musterroll.names import romanise

    on_lists = set()
    with (war / "truth" / "rows.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            on_lists.add(row["person_id"])
    hits, misses = [], []
    with (war / "truth" / "persons.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["birth_date"] and len(row["birth_date"]) == 10:
                (hits if row["person_id"] in on_lists else misses).append(row)
    rng = random.Random(seed)
    chosen = rng.sample(hits, count // 2) + rng.sample(misses, count - count // 2)
    rng.shuffle(chosen)
    queries = []
    for person in chosen:
        names = [person["surname"], person["given_name"], person["patronymic"]]
        latin = rng.random() < 1 / 3
        if latin:
            names = [romanise(name) for name in names]
        query = {"surname": names[0], "given_name": names[1], "patronymic": names[2] or None,
                 "birth_date": person["birth_date"]}
        if rng.random() < 0.25:
            query["patronymic"] = None
        queries.append({"query": query, "hit": person["person_id"] in on_lists,
                        "latin": latin})
    return queries


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, log: Path, limits: dict[str, str] | None = None
                 ) -> subprocess.Popen[bytes]:
    """`musterroll serve` with the rate limit raised for the test (and `limits`, more
    settings as environment variables); wait until it answers."""
    import httpx

    env = {**os.environ, "MUSTERROLL_SEARCH_RATE_LIMIT": "10000",
           "MUSTERROLL_TRUST_FORWARDED_FOR": "true", **(limits or {})}
    server = subprocess.Popen([*_musterroll(), "--db", url, "serve", "--port", str(port)],
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/csrf", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"musterroll serve exited; see {log}")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"musterroll serve did not answer in 60 s; see {log}")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _RawClient:
    """A keep-alive HTTP/1.1 client on asyncio streams: a few microseconds per request.

    httpx costs about a millisecond of CPU per request, and the load tool shares the two
    cores with the server; this client leaves the CPU to the server (``--client httpx``
    measures with httpx instead). It reads what uvicorn sends: a status line, headers with
    Content-Length, a body.
    """

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port, self.headers = host, port, headers
        self.cookies: dict[str, str] = {}

    async def __aenter__(self) -> _RawClient:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()
        await self.writer.wait_closed()

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      headers: dict[str, str] | None = None) -> tuple[int, Any]:
        body = b"" if json_body is None else json.dumps(json_body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(body)}", "Content-Type: application/json",
                 *(f"{k}: {v}" for k, v in {**self.headers, **(headers or {})}.items())]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status, length = int(head[0].split()[1]), 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";")[0]
        content = await self.reader.readexactly(length)
        return status, json.loads(content) if content else None


async def _client(base: str, number: int, queue: asyncio.Queue[dict[str, Any]],
                  out: list[tuple[float, int, bool, dict[str, Any]]], kind: str) -> None:
    forwarded = {"X-Forwarded-For": f"10.0.0.{number + 1}"}
    if kind == "httpx":
        import httpx

        async with httpx.AsyncClient(base_url=base, timeout=30, headers=forwarded) as client:
            token = (await client.get("/api/csrf")).json()["csrf_token"]

            async def send(query: dict[str, Any]) -> tuple[int, Any]:
                response = await client.post("/api/family/search", json=query,
                                             headers={"X-CSRF-Token": token})
                return response.status_code, response.json()

            await _loop(send, queue, out)
        return
    host, port = base.removeprefix("http://").split(":")
    async with _RawClient(host, int(port), forwarded) as raw:
        token = (await raw.request("GET", "/api/csrf"))[1]["csrf_token"]

        async def send_raw(query: dict[str, Any]) -> tuple[int, Any]:
            return await raw.request("POST", "/api/family/search", json_body=query,
                                     headers={"X-CSRF-Token": token})

        await _loop(send_raw, queue, out)


async def _loop(send: Any, queue: asyncio.Queue[dict[str, Any]],
                out: list[tuple[float, int, bool, dict[str, Any]]]) -> None:
    while True:
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        started = time.perf_counter()
        status, answer = await send(item["query"])
        elapsed = time.perf_counter() - started
        out.append((elapsed, status, status == 200 and bool(answer["found"]), item))


async def drive(base: str, queries: list[dict[str, Any]], clients: int, kind: str = "raw"
                ) -> tuple[list[tuple[float, int, bool, dict[str, Any]]], float]:
    """Send every query through `clients` concurrent clients; return results and seconds."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in queries:
        queue.put_nowait(item)
    out: list[tuple[float, int, bool, dict[str, Any]]] = []
    started = time.perf_counter()
    await asyncio.gather(*(_client(base, k, queue, out, kind) for k in range(clients)))
    return out, time.perf_counter() - started


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarise(results: list[tuple[float, int, bool, dict[str, Any]]], seconds: float
              ) -> dict[str, Any]:
    """Latency percentiles (ms), throughput, status codes and the share found."""
    latencies = [r[0] * 1000 for r in results]
    codes: dict[str, int] = {}
    for r in results:
        codes[str(r[1])] = codes.get(str(r[1]), 0) + 1
    hits = [r for r in results if r[3]["hit"]]
    misses = [r for r in results if not r[3]["hit"]]
    latin_hits = [r for r in hits if r[3]["latin"]]
    return {
        "requests": len(results), "seconds": round(seconds, 2),
        "throughput_per_s": round(len(results) / seconds, 1),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
        "status_codes": codes,
        "found_share_of_hits": round(sum(r[2] for r in hits) / max(1, len(hits)), 3),
        "found_share_of_latin_hits": round(sum(r[2] for r in latin_hits)
                                           / max(1, len(latin_hits)), 3),
        "found_share_of_misses": round(sum(r[2] for r in misses) / max(1, len(misses)), 3),
    }


def serve_and_measure(url: str, work: Path, queries: list[dict[str, Any]], warmup: int,
                      clients: int, kind: str = "raw", limits: dict[str, str] | None = None
                      ) -> dict[str, Any]:
    """Serve the register, send the first `warmup` queries unmeasured, then the rest
    through `clients` clients; return ``summarise``'s figures, the server's CPU a request
    and the load averages around the run."""
    port = _free_port()
    server = start_server(url, port, work / "serve.log", limits)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(drive(base, queries[:warmup], clients, kind))
        load_before = os.getloadavg()
        cpu_before = _cpu_seconds(server.pid)
        results, seconds = asyncio.run(drive(base, queries[warmup:], clients, kind))
        server_cpu = _cpu_seconds(server.pid) - cpu_before
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        **summarise(results, seconds),
        "server_cpu_s_per_request_ms": round(server_cpu / len(results) * 1000, 2),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
    }


def main() -> None:
    """Prepare the register, start the server, drive it, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_800_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_web_search"))
    parser.add_argument("--keep", action="store_true",
                        help="reuse the linked register in --work if it is there")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="the load tool: asyncio streams (raw) or httpx.AsyncClient")
    args = parser.parse_args()

    url, timings = prepare(args.work, args.people, args.seed, args.keep)
    keys = fill_keys(url)
    size = register_size(url)
    queries = make_queries(args.work / "war", args.requests + args.warmup, args.seed)
    measured = serve_and_measure(url, args.work, queries, args.warmup, args.clients,
                                 args.client)
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "register": size, "prepare": timings, "search_keys_fill": keys,
        "clients": args.clients, "client": args.client, **measured,
    }
    (args.work / "report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
