"""A minimal asyncio HTTP/1.1 server answering only what a waiting v2 training trigger asks (for benchmark (c)).

So the server is not the bottleneck: one event loop, keep-alive connections, no auth check, canned JSON. It answers

* ``GET /v2/{project}/training-jobs/{id}``: a v2 job in phase ``Running`` (the shape of the emulator's answer,
  about 1 KiB), so no wait ends;
* ``GET /v2/{project}/training-jobs/{id}/tasks/{task}/logs/preview``: ``{"content", "full_size"}``, a log of
  three lines that grows by one line every ``--log-every`` seconds (0: never grows);
* ``GET /_stub/polls``: ``{job id: [epoch seconds of each job read]}``, ``GET /_stub/counts``: requests by kind,
  ``POST /_stub/reset``: forget both. Anything else: 404.

Usage: ``python -m benchmarks.stub_server --port PORT [--log-every S]`` (prints ``ready`` when listening).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter, defaultdict

_JOB = {"kind": "job", "metadata": {"id": "", "name": "", "create_time": 0, "annotations": {}},
        "algorithm": {"code_dir": "obs://modelarts-emulator/code/", "boot_file": "train.py",
                      "engine": {"engine_name": "PyTorch", "engine_version": "PyTorch-1.4.0-python3.6-v2"},
                      "inputs": [{"name": "data_url", "remote": {"obs": {"obs_url": "/modelarts-emulator/data/"}}}],
                      "outputs": [{"name": "train_url",
                                   "remote": {"obs": {"obs_url": "/modelarts-emulator/output/"}}}],
                      "parameters": [{"name": "epochs", "value": "10"}]},
        "spec": {"resource": {"flavor_id": "modelarts.vm.cpu.8u", "node_count": 1}},
        "status": {"phase": "Running", "secondary_phase": "Running", "duration": 1000,
                   "task_statuses": [{"task": "worker-0", "exit_code": None, "message": ""}]}}


class Stub:
    """The server's state: request counts, job read times, when each job's log started."""

    def __init__(self, log_every: float) -> None:
        self.log_every = log_every
        self.started = time.time()
        self.reset()

    def reset(self) -> None:
        self.polls: defaultdict[str, list[float]] = defaultdict(list)
        self.counts: Counter[str] = Counter()

    def answer(self, method: str, path: str) -> tuple[int, bytes]:
        parts = path.split("?", 1)[0].strip("/").split("/")
        if parts[:1] == ["_stub"]:
            self.counts["stub"] += 1
            if parts[1:] == ["polls"]:
                return 200, json.dumps(self.polls).encode()
            if parts[1:] == ["counts"]:
                return 200, json.dumps(self.counts).encode()
            if parts[1:] == ["reset"] and method == "POST":
                self.reset()
                return 200, b"{}"
        if len(parts) >= 4 and parts[0] == "v2" and parts[2] == "training-jobs" and method == "GET":
            job_id = parts[3]
            if len(parts) == 4:
                self.counts["training_v2.get"] += 1
                self.polls[job_id].append(time.time())
                job = {**_JOB, "metadata": {**_JOB["metadata"], "id": job_id, "name": f"job-{job_id}"}}
                return 200, json.dumps(job).encode()
            if parts[4:5] == ["tasks"] and parts[-2:] == ["logs", "preview"]:
                self.counts["training_v2.logs"] += 1
                grown = int((time.time() - self.started) / self.log_every) if self.log_every > 0 else 0
                content = "".join(f"step {i}\n" for i in range(3 + grown))
                return 200, json.dumps({"content": content, "full_size": len(content)}).encode()
        self.counts["other"] += 1
        return 404, b'{"error_code": "ModelArts.0404", "error_msg": "not answered by the benchmark stub"}'


async def handle(stub: Stub, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ", 2)[:2]
            length = next((int(v) for k, _, v in (h.partition(":") for h in lines[1:])
                           if k.strip().lower() == "content-length"), 0)
            if length:
                await reader.readexactly(length)
            status, body = stub.answer(method, path)
            writer.write(f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\nContent-Type: "
                         f"application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def serve(port: int, log_every: float) -> None:
    stub = Stub(log_every)
    server = await asyncio.start_server(lambda r, w: handle(stub, r, w), "127.0.0.1", port, backlog=4096)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stub_server", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-every", type=float, default=0.0, help="seconds between two new log lines (0: never)")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.log_every))


if __name__ == "__main__":
    main()
