#!/usr/bin/env python3
"""Who holds the memory at the peak, from a valgrind massif file.

    cargo build --release --features system-alloc     # massif cannot see inside mimalloc
    valgrind --tool=massif --depth=60 --threshold=0.2 --massif-out-file=massif.out \\
        target/release/plcli plan
    python3 tools/massif-peak.py massif.out

Attributes every allocation alive at the peak snapshot to the first plcli frame on its stack
that is not a container, serde or value-plumbing frame, and prints the largest.
"""

import collections
import re
import sys

PLUMBING = re.compile(r"alloc::|core::|serde|plcli_lang::value|hashbrown|indexmap|std::|btree|__rust|UnknownInlined|malloc|realloc|^<")


def main(argv):
    if not argv:
        sys.exit(__doc__)
    lines = open(argv[0]).read().split("\n")
    peak = max((i for i, line in enumerate(lines) if line.startswith("heap_tree=peak")), default=None)
    if peak is None:
        sys.exit("no peak snapshot")
    held, stack = collections.Counter(), []
    for line in lines[peak + 1:]:
        if line.startswith("snapshot="):
            break
        m = re.match(r"^( *)n(\d+): (\d+) (.*)$", line)
        if not m:
            continue
        depth, children, size, frame = len(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        stack = stack[:depth] + [frame]
        if children:
            continue
        label = "?"
        for f in stack[1:]:
            f = re.sub(r"^0x[0-9A-F]+: ", "", f)
            name = f.split(" (")[0]
            if "plcli" in f and not PLUMBING.search(name[:60]):
                loc = re.search(r"\(([^)]*\.rs:\d+)\)", f)
                label = name[:110] + (" " + loc.group(1) if loc else "")
                break
        held[label] += size
    total = sum(held.values())
    print(f"total {total / 1e6:.1f} MB at the peak")
    for name, size in held.most_common(30):
        print(f"{size / 1e6:8.2f} MB {100 * size / total:5.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
