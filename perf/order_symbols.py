#!/usr/bin/env python3
"""Writes the symbols of the functions a server ran, most instructions first, one per line: a
symbol ordering file for lld (`-Wl,--symbol-ordering-file=FILE`), which places those functions
together at the start of the code, in that order.

    order_symbols.py BINARY_NAME CALLGRIND_OUT... > order.txt

Each CALLGRIND_OUT is a `valgrind --tool=callgrind --demangle=no` profile of the server (one per
configuration, their instruction counts added up); only functions of the object whose path
contains BINARY_NAME are listed (not the C library's).
"""
import collections
import re
import sys

NAME = re.compile(r"(c?(?:ob|fn))=\((\d+)\)(?: (.*))?")


def main():
    binary = sys.argv[1]
    cost = collections.Counter()
    for path in sys.argv[2:]:
        add_costs(path, binary, cost)
    seen = set()
    for name, _ in cost.most_common():
        # Callgrind marks recursion depth and cycles after the symbol ("sym'2").
        symbol = name.split("'")[0]
        if symbol.startswith(("_Z", "_R")) and symbol not in seen:
            seen.add(symbol)
            print(symbol)


def add_costs(path, binary, cost):
    """Adds each function's own instruction count in the profile at `path` to `cost`."""
    names = {"ob": {}, "fn": {}}
    ob = fn = None
    after_call = False
    # A cost line is its positions (`line`, or `instr line` with --dump-instr=yes), then its
    # events in the order the `events:` header names them.
    positions, ir = 1, 0
    with open(path) as f:
        for line in f:
            if line.startswith("positions:"):
                positions = len(line.split()) - 1
                continue
            if line.startswith("events:"):
                ir = line.split()[1:].index("Ir")
                continue
            m = NAME.match(line)
            if m:
                key, ident, name = m.groups()
                table = names[key.lstrip("c")]
                if name:
                    table[ident] = name
                if key == "ob":
                    ob = table.get(ident)
                elif key == "fn":
                    fn = table.get(ident)
                continue
            if line.startswith("calls="):
                # The next cost line is the call's inclusive cost, not the caller's own.
                after_call = True
                continue
            if line[:1].isdigit() or line[:1] in "+-*":
                if after_call:
                    after_call = False
                    continue
                fields = line.split()
                if len(fields) > positions + ir and ob and binary in ob and fn:
                    cost[fn] += int(fields[positions + ir])


if __name__ == "__main__":
    main()
