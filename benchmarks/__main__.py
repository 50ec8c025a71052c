"""`make bench`: run every benchmark module (benchmarks/bench_*.py) one after the other.

Each module starts what it measures as real processes and prints its figures; pass names to run
only some: `python -m benchmarks catalog gateway`.
"""

import platform
import subprocess
import sys
from pathlib import Path


def main(selected: list[str]) -> int:
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if m.removeprefix("bench_") in selected]
    print(f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}", flush=True)
    failed = []
    for module in modules:
        print(f"\n=== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", f"benchmarks.{module}"]).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
