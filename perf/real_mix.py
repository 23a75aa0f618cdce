#!/usr/bin/env python3
"""Sends the realistic request mix (the same as perf/wrk/real.lua) over one keep-alive
connection, COUNT requests, checking each status (200, or 409 for the unknown members).

    real_mix.py HOST:PORT MODE COUNT
"""
import http.client
import json
import sys
import urllib.parse

LCIDS = ["1033", "1036", "1031", "3082"]


def request(i, mode):
    n = i % 1000
    email = f"nobody{n}@contoso.com" if i % 10 == 0 else f"member{n}@contoso.com"
    first = "Emily" if i % 2 == 1 else None
    last = "Martin" if i % 3 != 0 else None
    lcid = LCIDS[i % 4]
    fields = [("email", email)]
    if first:
        fields.append(("firstName", first))
    if last:
        fields.append(("lastName", last))
    fields.append(("culture", lcid))
    expected = 409 if i % 10 == 0 else 200
    if mode == "body":
        body = json.dumps(dict(fields), separators=(",", ":"))
        return "POST", "/real/body", {"Content-Type": "application/json"}, body, expected
    q = urllib.parse.urlencode(fields)
    if mode == "form":
        return "POST", "/real/form", {"Content-Type": "application/x-www-form-urlencoded"}, q, expected
    if mode == "query":
        return "GET", "/real/query?" + q, {}, None, expected
    return "GET", "/real/header", dict(fields), None, expected


def send_mix(request):
    """Sends COUNT requests built by request(i, mode) (the mix of this script or of
    one_mix.py) over one keep-alive connection, exiting on the first unexpected status."""
    addr, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    for i in range(1, count + 1):
        method, path, headers, body, expected = request(i, mode)
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != expected:
            sys.exit(f"request {i} ({mode}): HTTP {resp.status}, expected {expected}: {data[:200]!r}")
    conn.close()


if __name__ == "__main__":
    send_mix(request)
