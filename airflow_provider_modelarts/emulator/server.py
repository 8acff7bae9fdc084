"""The emulator's HTTP server: one loopback port for IAM, ModelArts v1/v2, inference and the admin API.

Request pipeline (``dispatch``): admin routes (``/_emulator/...``, no auth, not faulted) -> route match
(404 ``ModelArts.4204`` for unknown APIs) -> fault injection -> authentication (token or AK/SK signature,
project isolation) -> the documented request table (:mod:`.contract`, 400 naming the field) -> handler under the
emulator lock -> the documented answer table (500 on an undocumented field: an emulator bug) -> request log.
"""

from __future__ import annotations

import importlib
import pkgutil
import socket
import struct
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from airflow_provider_modelarts.emulator import admin, auth, contract, faults, iam
from airflow_provider_modelarts.emulator import resources as resources_pkg
from airflow_provider_modelarts.emulator.http import ApiError, Headers, Request, Response, Router
from airflow_provider_modelarts.emulator.state import Emulator

RESET = "reset"


def build_router() -> Router:
    """A router with IAM and every resource module under ``emulator/resources`` that has ``register``."""
    router = Router()
    iam.register(router)
    for info in sorted(pkgutil.iter_modules(resources_pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{resources_pkg.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(router)
    return router


class Dispatcher:
    """Turns a :class:`Request` into a :class:`Response` (or ``RESET`` to drop the connection)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.router = build_router()
        self.admin_router = Router()
        admin.register(self.admin_router)
        if emu.faults is None:
            emu.faults = faults.FaultInjector(emu.seed)

    def dispatch(self, req: Request) -> Response | str:
        request_id = uuid.uuid4().hex
        if req.path.startswith("/_emulator/"):
            route, params, known = self.admin_router.match(req.method, req.path)
            if route is None:
                return Response(404 if not known else 405, {"error": f"no admin API {req.method} {req.path}"})
            req.params = params
            try:
                with self.emu.lock:
                    return route.handler(req, self.emu)
            except ApiError as exc:
                return Response(exc.status, exc.body(request_id), exc.headers)

        route, params, known = self.router.match(req.method, req.path)
        kind = route.kind if route else "unknown"
        entry: dict[str, Any] = {
            "seq": len(self.emu.request_log) + 1, "time": time.time(), "method": req.method, "path": req.path,
            "query": req.raw_query, "kind": kind, "status": None, "fault": None, "project_id": None,
        }
        try:
            if route is None:
                raise ApiError(404 if not known else 405, "ModelArts.4204",
                               f"API {req.method} {req.path} does not exist.")
            req.params = params
            fault = self.emu.faults.decide(kind)
            if fault is not None:
                entry["fault"] = fault.name
                if fault.latency:
                    time.sleep(fault.latency)
                if fault.reset:
                    entry["status"] = 0
                    return RESET
                if fault.response is not None:
                    entry["status"] = fault.response.status
                    return fault.response
            if route.auth:
                auth.authenticate(req, self.emu)
                entry["project_id"] = req.project_id
            contract.check_request(kind, req.query_pairs, req.body)
            with self.emu.lock:
                resp = route.handler(req, self.emu)
            if fault is not None and fault.drop_reply:
                entry["status"], entry["applied_status"] = 0, resp.status  # applied; the client never hears
                return RESET
            undocumented = contract.check_response(kind, resp.status, resp.body)
            if undocumented:
                # The emulator answered a field no document has: its own bug, made loud for the tests.
                entry["contract"] = undocumented
                resp = Response(500, {"error_code": "ModelArts.0010",
                                      "error_msg": f"Emulator contract violation in {kind}: {undocumented[:5]}"})
        except ApiError as exc:
            resp = Response(exc.status, exc.body(request_id), dict(exc.headers))
        finally:
            with self.emu.lock:
                self.emu.request_log.append(entry)
        resp.headers.setdefault("X-Request-Id", request_id)
        entry["status"] = resp.status
        return resp


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the server quiet
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        raw_path, _, raw_query = self.path.partition("?")
        req = Request(method=self.command, raw_path=raw_path, raw_query=raw_query,
                      headers=Headers(self.headers.items()), body=body, client=self.client_address[0],
                      client_port=int(self.client_address[1]))
        try:
            result = self.server.dispatcher.dispatch(req)
        except Exception as exc:  # a bug in the emulator answers like the real service's internal error
            result = Response(500, {"error_code": "ModelArts.0010", "error_msg": f"Internal error: {exc!r}"})
        if result == RESET:
            # RST instead of FIN: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        assert isinstance(result, Response)
        payload = result.payload()
        self.send_response(result.status)
        if payload or result.status not in (204, 304):
            self.send_header("Content-Type", result.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in result.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Many deferred waits connect at once (a triggerer starting 1,000 triggers); the default backlog of 5 left
    # connections waiting for SYN retries for tens of seconds (docs/benchmarks.md, triggerer scale).
    request_queue_size = 1024

    def __init__(self, host: str, port: int, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        super().__init__((host, port), _Handler)


class EmulatorServer:
    """A running emulator: the HTTP server in a background thread.

    :param emu: the state
    :param host: bind address (loopback)
    :param port: 0 picks a free port.
    """

    def __init__(self, emu: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emu = emu
        self.httpd = EmulatorHTTPServer(host, port, Dispatcher(emu))
        self.host, self.port = self.httpd.server_address[:2]
        emu.base_url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.emu.base_url

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="modelarts-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, then stop the runner's training processes (none is orphaned)."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.emu.close()
