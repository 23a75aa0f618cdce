#!/usr/bin/env python3
"""Sends the one-claim request mix of perf/wrk/loyalty.lua (an e-mail and a correlation id; one
in ten for an unknown member, answered 409) over one keep-alive connection, COUNT requests,
checking each status.

    one_mix.py HOST:PORT MODE COUNT
"""
import urllib.parse

from real_mix import send_mix


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


if __name__ == "__main__":
    send_mix(request)
