"""Load from wrk (Debian's `wrk`), the C load generator, instead of the Python client.

On a 2-core machine the Python client spends about 3 ms of CPU per request,
taken from the server it measures; wrk spends a small fraction of that. wrk
reports a latency histogram, not single requests: the done() hook prints the
1,000 per-mille points of it, which stand in for the latencies (p50, p95 and
p99 of them are the histogram's), and the real count of requests.
"""

import json
import os
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARKER = "WRK-RESULT "

LUA = """
local paths = %(paths)s
local headers = %(headers)s
local next_index = 0
request = function()
  next_index = (next_index %% #paths) + 1
  return wrk.format("GET", paths[next_index], headers)
end
done = function(summary, latency, requests)
  local points = {}
  for i = 1, 1000 do points[i] = latency:percentile(i / 10) end
  local e = summary.errors
  io.write("%(marker)s" .. summary.requests .. " "
    .. (e.connect + e.read + e.write + e.timeout + e.status) .. " "
    .. summary.duration .. " " .. table.concat(points, ",") .. "\\n")
end
"""


@dataclass
class WrkRun:
    requests: int
    errors: int
    seconds: float
    latency_points_ms: list[float]
    client_cpu_seconds: float


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def run(
    *,
    base_url: str,
    paths: list[str],
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
) -> WrkRun:
    lua = LUA % {
        "paths": "{" + ",".join(_lua_string(p) for p in paths) + "}",
        "headers": "{"
        + ",".join(f"[{_lua_string(k)}]={_lua_string(v)}" for k, v in headers.items())
        + "}",
        "marker": MARKER,
    }
    with tempfile.TemporaryDirectory(prefix="safepath-wrk-") as folder:
        script = Path(folder) / "load.lua"
        script.write_text(lua, encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(
            [
                "wrk",
                "--threads", str(min(2, concurrency)),
                "--connections", str(concurrency),
                "--duration", f"{max(1, round(seconds))}s",
                "--timeout", "10s",
                "--script", str(script),
                base_url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
            env={**os.environ, "LC_ALL": "C"},
        )  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in completed.stdout.splitlines() if line.startswith(MARKER))
    requests, errors, duration_us, points = line.removeprefix(MARKER).split(" ")
    return WrkRun(
        requests=int(requests),
        errors=int(errors),
        seconds=int(duration_us) / 1e6,
        latency_points_ms=[float(p) / 1000 for p in points.split(",")],
        client_cpu_seconds=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    )
