#!/usr/bin/env python3
"""Flattens a test-vector JSON file for the C unit tests: one line per test,
space-separated key=value, values percent-encoded; group fields are merged in,
nested objects joined with '.', lists joined with ','. Files that are a bare
JSON array (CCTV) are flattened the same way."""
import json
import sys
import urllib.parse


def flat(prefix, obj, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            flat(prefix + k + ".", v, out)
    elif isinstance(obj, list):
        if all(not isinstance(x, (dict, list)) for x in obj):
            out[prefix[:-1]] = ",".join(str(x) for x in obj)
    elif obj is None:
        out[prefix[:-1]] = ""
    else:
        out[prefix[:-1]] = str(obj).lower() if isinstance(obj, bool) else str(obj)


def emit(fields):
    print(" ".join(k + "=" + urllib.parse.quote(v, safe="") for k, v in fields.items()))


def main():
    data = json.load(open(sys.argv[1]))
    if isinstance(data, list):
        for t in data:
            f = {}
            flat("", t, f)
            emit(f)
        return
    for g in data.get("testGroups", []):
        base = {}
        flat("", {k: v for k, v in g.items() if k != "tests"}, base)
        for t in g.get("tests", []):
            f = dict(base)
            flat("", t, f)
            emit(f)


main()
