"""A fork server for ``airflow`` commands: Airflow imported once, a forked child per command.

A fresh ``airflow dags test`` process spends most of its start (seconds, the same every run) importing Airflow,
its CLI and the execution API, then building the in-process execution API app (Cadwyn generates the routers of
every API version on its first request). This server does both once, then forks a child per request: each run is
still its own process (own pid, own token cache, own DB connections, own exit) and starts from the state a fresh
``airflow`` process has after those steps, and nothing else: the server never opens the metadata DB, never
starts a thread (the app's event loop and lifespan start in the child, on its first request), never parses a DAG
and never imports the provider.

Run as a script (``python tests/airflow_forkserver.py``) by :mod:`tests.airflow_run`, which decides when a
request may use it (same ``AIRFLOW*`` environment and ``PYTHONPATH`` as the server: those are read at import
time). Protocol, one JSON object per line: the request ``{"argv", "env", "cwd", "stdout", "stderr"}`` on stdin
(``argv`` an ``airflow`` command line or ``python -c CODE ...``; output paths, ``/dev/null`` to drop) is answered
with ``{"pid"}`` once the child runs, then ``{"pid", "returncode"}`` when it ended.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any

#: the modules every ``airflow dags test`` run imports before its first task (measured: most of its start-up)
PRELOAD = ("airflow.__main__", "airflow.cli.commands.dag_command", "airflow.sdk.execution_time.supervisor",
           "airflow.sdk.execution_time.task_runner", "airflow.api_fastapi.execution_api.app")


def prebuild_execution_api() -> None:
    """Build the process's in-process execution API app (``in_process_api_server()`` is cached per process, so
    the children use this one) and generate its versioned routers now instead of on its first request. Skipped
    where that function builds a new one per call (Airflow 3.2): the children build their own there."""
    from airflow.sdk.execution_time import supervisor

    in_process_api_server = getattr(supervisor, "in_process_api_server", None)
    if not hasattr(in_process_api_server, "cache_info"):
        return
    app = in_process_api_server().app
    initialize = getattr(app, "_cadwyn_initialize", None)  # Cadwyn's lazy step; without it, left to the child
    if initialize is not None and not getattr(app, "_cadwyn_initialized", True):
        initialize()


def _child(request: dict[str, Any], proto_fds: tuple[int, ...]) -> None:
    """Become the process of ``request`` (never returns): ``airflow ARGS`` or ``python -c CODE ARGS``.

    :param request: the decoded request line.
    :param proto_fds: the server's protocol descriptors, closed here.
    """
    code = 1
    try:
        for fd in proto_fds:
            os.close(fd)
        os.setsid()  # its own process group, killed as a whole on a timeout (like a subprocess.run child)
        for target, path in ((1, request["stdout"]), (2, request["stderr"])):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        argv = list(request["argv"])
        if argv[1:2] == ["-c"]:
            sys.argv = ["-c", *argv[3:]]
            sys.path[0] = ""  # as ``python -c`` has it
            exec(compile(argv[2], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 - our own scripts
            code = 0
        else:
            sys.argv = argv
            from airflow.__main__ import main

            result = main()
            code = result if isinstance(result, int) else 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - the exit code matters more than a last flush
                pass
        os._exit(code)


def serve() -> None:
    """Preload, then answer requests until stdin closes."""
    requests_in = os.fdopen(os.dup(0), "r")
    answers = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # whatever the imports print goes to stderr, never into the protocol
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # another Airflow's layout: the child imports what it needs
            importlib.import_module(name)
    prebuild_execution_api()
    import threading

    assert threading.active_count() == 1, f"no thread may run when forking: {threading.enumerate()}"
    print(json.dumps({"ready": os.getpid()}), file=answers, flush=True)
    for line in requests_in:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, (requests_in.fileno(), answers.fileno(), devnull))
        print(json.dumps({"pid": pid}), file=answers, flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"pid": pid, "returncode": os.waitstatus_to_exitcode(status)}), file=answers, flush=True)


if __name__ == "__main__":
    sys.path[0] = os.path.dirname(sys.executable)  # as the ``airflow`` script has it (not this tests/ folder)
    serve()
