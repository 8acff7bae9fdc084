"""The generic boot script of ``@task.modelarts``: runs one staged Python function inside a training job.

This file is uploaded as it is (standard library only, Python 3.6+ syntax: the engine images of ModelArts ship
old Pythons) next to the staged function. It is not imported by the provider at run time.

Contract (what :mod:`airflow_provider_modelarts.decorators.modelarts` stages in the job's code directory):

* ``function.py``: the function's source without its decorator;
* ``call.json``: ``{"function": name, "args": [...], "kwargs": {...}}``.

The job passes the output directory as ``--result_url=<local dir>`` (how ModelArts hands an output channel to the
boot file); the result is written there as ``result.json`` (``{"return_value": ...}``) and uploaded by ModelArts.
A failure prints the traceback between :data:`TRACEBACK_BEGIN` and :data:`TRACEBACK_END` (the operator reads it
back from the job log) and exits with code 1, writing no result.

No ``from __future__ import annotations`` here, unlike the rest of the package: Python 3.6 has no such feature.
"""

import __future__ as _future

import json
import os
import sys
import traceback

TRACEBACK_BEGIN = "----- @task.modelarts function traceback -----"
TRACEBACK_END = "----- end of @task.modelarts function traceback -----"
RESULT_FILE = "result.json"
OUTPUT_ARG = "result_url"


def _result_dir(argv):
    """The ``--result_url=<dir>`` argument (``None`` when the job got none)."""
    prefix = "--" + OUTPUT_ARG + "="
    for arg in argv:
        if arg.startswith(prefix):
            return arg[len(prefix):]
    return None


def _load(code_dir):
    with open(os.path.join(code_dir, "call.json"), encoding="utf-8") as fh:
        call = json.load(fh)
    with open(os.path.join(code_dir, "function.py"), encoding="utf-8") as fh:
        source = fh.read()
    namespace = {"__name__": "__modelarts_task__"}
    # annotations stay strings: ``list[int]`` in a signature must not break an old engine Python
    flags = getattr(getattr(_future, "annotations", None), "compiler_flag", 0)
    code = compile(source, "function.py", "exec", flags=flags, dont_inherit=True)
    exec(code, namespace)  # noqa: S102 - the user's own function, staged by their DAG
    return namespace[call["function"]], call.get("args") or [], call.get("kwargs") or {}


def main(argv):
    code_dir = os.path.dirname(os.path.abspath(__file__))
    out_dir = _result_dir(argv)
    try:
        function, args, kwargs = _load(code_dir)
        value = function(*args, **kwargs)
        try:
            text = json.dumps({"return_value": value})
        except (TypeError, ValueError) as exc:
            raise TypeError(f"the return value of {function.__name__}() must be JSON-serialisable (dict, list, str, "
                            f"int, float, bool or None), got {type(value).__name__}: {exc}") from None
    except BaseException:  # noqa: BLE001 - everything the function raises is reported, SystemExit included
        sys.stdout.flush()
        sys.stderr.write(TRACEBACK_BEGIN + "\n" + traceback.format_exc() + TRACEBACK_END + "\n")
        sys.stderr.flush()
        return 1
    if out_dir is None:
        sys.stderr.write(f"no --{OUTPUT_ARG}=<dir> argument: the result cannot be returned\n")
        return 2
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, RESULT_FILE), "w", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
