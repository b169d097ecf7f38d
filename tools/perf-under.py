#!/usr/bin/env python3
"""Where the time under one function goes, from `perf script` output.

    perf record -e cpu-clock -F 999 -g -o perf.data target/release/plcli plan
    perf script -i perf.data -F ip,sym > perf.txt
    python3 tools/perf-under.py perf.txt 'plcli_engine::plan::plan$' [depth]

Prints the share of all samples whose stack holds a frame matching the regular expression,
then those samples split by the frame `depth` (default 1) below the outermost match, and by
leaf function. Build with line tables and frame pointers for useful stacks (docs/performance.md).
"""

import collections
import re
import sys


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    target = re.compile(argv[1])
    depth = int(argv[2]) if len(argv) > 2 else 1
    child, leaf, hits, total = collections.Counter(), collections.Counter(), 0, 0
    for sample in open(argv[0]).read().split("\n\n"):
        frames = [line.strip().split(" ", 1)[-1] for line in sample.strip().split("\n") if line.strip()]
        if not frames:
            continue
        total += 1
        matches = [i for i, f in enumerate(frames) if target.search(f)]
        if not matches:
            continue
        hits += 1
        i = matches[-1]
        child[frames[i - depth][:120] if i - depth >= 0 else "<self>"] += 1
        leaf[frames[0][:100]] += 1
    if not total:
        sys.exit("no samples")
    print(f"{hits}/{total} samples ({100 * hits / total:.1f}%) under {argv[1]}")
    for name, n in child.most_common(25):
        print(f"{100 * n / total:6.2f}%  {name}")
    print("--- leaves")
    for name, n in leaf.most_common(15):
        print(f"{100 * n / total:6.2f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
