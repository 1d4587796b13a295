#!/usr/bin/env python3
"""Folds `perf script` output (stdin) into flame-graph stacks (stdout): one line per distinct
stack, root first, frames joined by ';', then the sample count. What Brendan Gregg's
stackcollapse-perf.pl does, in the few lines this benchmark needs, so that a profile can be read
(or drawn by inferno-flamegraph) without fetching his scripts."""
import re
import sys
from collections import Counter

FRAME = re.compile(r"^\s+[0-9a-f]+\s+(.+?)(?:\+0x[0-9a-f]+)?\s+\((.*)\)$")


def symbol(name: str, dso: str) -> str:
    if name == "[unknown]":
        return "[" + dso.rsplit("/", 1)[-1] + "]"
    # Rust symbols carry a hash suffix (::h0123456789abcdef) that splits identical frames.
    return re.sub(r"::h[0-9a-f]{16}$", "", name)


def main() -> None:
    stacks: Counter = Counter()
    comm = None
    frames: list = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None:
                stacks[";".join([comm] + frames[::-1])] += 1
            comm, frames = None, []
            continue
        if comm is None and not line.startswith((" ", "\t")):
            comm = line.split()[0]
            continue
        m = FRAME.match(line)
        if m:
            frames.append(symbol(m.group(1), m.group(2)))
    if comm is not None:
        stacks[";".join([comm] + frames[::-1])] += 1
    for stack, n in stacks.most_common():
        print(f"{stack} {n}")


if __name__ == "__main__":
    main()
