#!/usr/bin/env python3
"""Resident code of a server, from the instructions it ran: deterministic, unlike peak RSS.

usage: resident_code.py BINARY CALLGRIND_OUT

CALLGRIND_OUT is a callgrind profile of BINARY made with `--dump-instr=yes --compress-pos=no`.
Prints the 4 KiB pages of BINARY's code that ran, and the code the kernel keeps resident for
them on average. A page fault on a file mapping maps the cached pages of the whole 64 KiB block
around the page ("fault-around"), and the block boundaries fall differently on every start,
since the executable is placed at a random 4 KiB-aligned address; so the average is over the 16
placements of the blocks. Peak RSS moves by up to 0.4 MiB between starts of one binary for that
reason alone, which this figure does not.
"""
import re
import subprocess
import sys

PAGE = 4096
BLOCK_PAGES = 16  # 64 KiB, the kernel's default fault_around_bytes


def pages_run(profile, binary_name):
    """4 KiB page numbers (link addresses) of BINARY's instructions that ran."""
    objects = {}
    current = None
    pages = set()
    with open(profile) as f:
        for line in f:
            if line.startswith("ob="):
                m = re.match(r"ob=\((\d+)\)(?: (.*))?", line.strip())
                if m.group(2):
                    objects[m.group(1)] = m.group(2)
                current = objects.get(m.group(1), "")
            elif line.startswith("cob="):
                # The object of a callee: names it, does not change the current one.
                m = re.match(r"cob=\((\d+)\) (.*)", line.strip())
                if m:
                    objects[m.group(1)] = m.group(2)
            elif line.startswith("0x") and current and current.endswith("/" + binary_name):
                pages.add(int(line.split()[0], 16) // PAGE)
    return pages


def code_segment(binary):
    """First and one-past-last page of the executable LOAD segment."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        f = line.split()
        if f and f[0] == "LOAD" and "E" in f[6:-1]:
            start, size = int(f[2], 16), int(f[5], 16)
            return start // PAGE, (start + size + PAGE - 1) // PAGE
    sys.exit(f"{binary}: no executable LOAD segment")


def expected_resident(pages, lo, hi):
    """Average resident pages over the 16 placements of the 64 KiB blocks."""
    total = 0
    for shift in range(BLOCK_PAGES):
        blocks = {(p + shift) // BLOCK_PAGES for p in pages}
        for b in blocks:
            first = max(b * BLOCK_PAGES - shift, lo)
            last = min((b + 1) * BLOCK_PAGES - shift, hi)
            total += last - first
    return total / BLOCK_PAGES


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, profile = sys.argv[1], sys.argv[2]
    lo, hi = code_segment(binary)
    pages = {p for p in pages_run(profile, binary.rsplit("/", 1)[-1]) if lo <= p < hi}
    if not pages:
        sys.exit(f"{profile}: no instruction of {binary} (made with --dump-instr=yes?)")
    resident = expected_resident(pages, lo, hi)
    print(f"{len(pages) * 4} {resident * 4:.0f} {(hi - lo) * 4}")


if __name__ == "__main__":
    main()
