#!/usr/bin/env python3
"""Sends the one-claim request mix of perf/wrk/loyalty.lua (an e-mail and a correlation id; one
in ten for an unknown member, answered 409) over one keep-alive connection, COUNT requests,
checking each status.

    one_mix.py HOST:PORT MODE COUNT
"""
import http.client
import sys
import urllib.parse


def request(i, mode):
    n = i % 1000
    email = f"nobody{n}@contoso.com" if i % 10 == 0 else f"member{n}@contoso.com"
    cid = f"00000000-0000-0000-0000-{i % 1000000:012d}"
    expected = 409 if i % 10 == 0 else 200
    if mode == "body":
        body = f'{{"email":"{email}","correlationId":"{cid}"}}'
        return "POST", "/body", {"Content-Type": "application/json"}, body, expected
    q = urllib.parse.urlencode([("email", email), ("correlationId", cid)])
    if mode == "form":
        return "POST", "/form", {"Content-Type": "application/x-www-form-urlencoded"}, q, expected
    if mode == "query":
        return "GET", "/query?" + q, {}, None, expected
    return "GET", "/header", {"email": email, "correlationId": cid}, None, expected


def main():
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
    main()
