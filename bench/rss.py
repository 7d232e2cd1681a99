"""`python -m bench.rss MODULE ARGS...`: run MODULE as __main__, then report this process's peak RSS.

The peak is read from /proc/self/status (VmHWM) so it belongs to this program only; a parent's
getrusage(RUSAGE_CHILDREN) would also count the memory of the forked parent before exec.
"""

from __future__ import annotations

import runpy
import sys

MARKER = "BENCH_VMHWM_KB="


def vmhwm_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> int:
    module, *args = sys.argv[1:] or [""]
    code: object = 0
    if module:  # an empty module name measures the bare interpreter
        sys.argv = [module, *args]
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code
    sys.stderr.write(f"{MARKER}{vmhwm_kb()}\n")
    return code if isinstance(code, int) else 1


if __name__ == "__main__":
    raise SystemExit(main())
