#!/usr/bin/env python3
"""Checks the expected results in src/functions/tests.rs against a real `terraform console`.

For `CALL => EXPECTED` lines, both sides are evaluated by Terraform and their `jsonencode`
and `type` must agree (a `dynamic` element type on either side matches anything, as plcli's
values carry no element types for empty collections and nulls). For `CALL !! TEXT` lines,
Terraform must fail with a message containing TEXT.

Usage: tools/verify-function-cases.py [PATTERN]   (needs `terraform` on PATH; runs offline)
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "src", "functions", "tests.rs")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cases():
    src = open(TESTS, encoding="utf-8").read()
    block = src.split('const CASES: &str = r##"', 1)[1].split('"##;', 1)[0]
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        in_str, i = False, 0
        while i < len(line):
            c = line[i]
            if c == "\\" and in_str:
                i += 2
                continue
            if c == '"':
                in_str = not in_str
            elif not in_str and line.startswith(" => ", i):
                yield line, line[:i], line[i + 4 :], True
                break
            elif not in_str and line.startswith(" !! ", i):
                yield line, line[:i], line[i + 4 :], False
                break
            i += 1


def workdir():
    d = tempfile.mkdtemp(prefix="tfcases-")
    with open(os.path.join(d, "hello.txt"), "w") as f:
        f.write("hello\n")
    os.mkdir(os.path.join(d, "sub"))
    return d


def console(expr, cwd):
    env = dict(os.environ, TF_CLI_CONFIG_FILE="/dev/null", CHECKPOINT_DISABLE="1")
    p = subprocess.run(["terraform", "console"], input=expr + "\n", capture_output=True, text=True, cwd=cwd, env=env)
    out = ANSI.sub("", p.stdout + p.stderr)
    if "Error:" in out:
        text = re.sub(r"[│╷╵]", " ", out)
        return False, re.sub(r"\s+", " ", text)
    # A value prints on one line; a type may span several.
    return True, p.stdout.strip() if expr.startswith("jsonencode(") else re.sub(r"\s+", "", p.stdout)


def types_match(a, b):
    if a == b:
        return True
    pat = lambda t: "^" + re.escape(t).replace("dynamic", ".*") + "$"
    return re.match(pat(a), b) is not None or re.match(pat(b), a) is not None


def check(case):
    line, call, expected, is_value = case
    cwd = workdir()
    if is_value:
        ok1, got_json = console(f"jsonencode({call})", cwd)
        ok2, want_json = console(f"jsonencode({expected})", cwd)
        ok3, got_type = console(f"type({call})", cwd)
        ok4, want_type = console(f"type({expected})", cwd)
        if not (ok1 and ok2 and ok3 and ok4):
            return line, f"terraform failed: {got_json if not ok1 else want_json if not ok2 else got_type if not ok3 else want_type}"
        if got_json != want_json:
            return line, f"value: terraform {got_json} vs expected {want_json}"
        if not types_match(got_type, want_type):
            return line, f"type: terraform {got_type} vs expected {want_type}"
        return line, None
    ok, out = console(call, cwd)
    if ok:
        return line, f"terraform succeeded: {out}"
    if expected not in out:
        return line, f"message: {out}"
    return line, None


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    todo = [c for c in cases() if pattern in c[0]]
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for line, problem in pool.map(check, todo):
            if problem:
                bad += 1
                print(f"MISMATCH {line}\n    {problem}")
    print(f"{len(todo) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
