#!/usr/bin/env python3
"""Record Terraform function/expression results as a test oracle for plcli.

Usage:
    tools/record-functions.py [--cases FILE] [--out FILE] [--jobs N] [--terraform PATH]
    tools/record-functions.py --check [--cases FILE] [--out FILE] ...

Reads tests/data/function-cases.txt (one Terraform expression per line; blank
lines and lines starting with '#' are comments) and evaluates every expression
E with the real `terraform console`, in an empty temporary directory, offline:

  * `jsonencode(E)`  -> "json": the JSON text Terraform produced, or
                        "json_error" when E is fine but cannot be encoded (1/0)
                        (if that is sensitive, `nonsensitive(jsonencode(E))` is
                        evaluated instead and "sensitive": true is recorded --
                        so "sensitive" means "the value contains a sensitive
                        value anywhere", as jsonencode() propagates marks;
                        if the result is unknown -- the console prints
                        "(known after apply)" -- "unknown": true and no "json")
  * `type(E)`        -> "type": the console's type() output, folded onto one
                        line: `object({a: string, b: tuple([number, number])})`
  * `E`              -> "display": the console's own rendering of the value,
                        verbatim (multi-line for collections, heredocs for
                        multi-line strings, `(sensitive value)` ...)

If E itself fails (that is, type(E) fails), the case gets "error" (the
diagnostic summary, e.g. "Invalid function argument") and "error_detail" (the
detail paragraph, terminal line-wrapping undone) instead.

In piped mode `terraform console` evaluates every stdin line but only prints
the result of the *last* one and stops at the first error, so each evaluation
is its own console process (about 50 ms each), run on a small thread pool.

--check re-runs every case and reports differences against the recorded file
(exit status 1 if anything differs, 2 if terraform cannot be run).
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CASES = os.path.join(ROOT, "tests", "data", "function-cases.txt")
DEFAULT_OUT = os.path.join(ROOT, "tests", "data", "functions.json")
SENSITIVE = "(sensitive value)"
UNKNOWN = "(known after apply)"


class ConsoleError(Exception):
    def __init__(self, summary, detail, raw):
        super().__init__(summary)
        self.summary = summary
        self.detail = detail
        self.raw = raw


def read_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            cases.append(s)
    return cases


def go_unquote(s):
    """Decode a Go strconv.Quote string literal (what the console prints for
    single-line strings). Handles \\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\xHH
    \\uHHHH \\UHHHHHHHH and octal escapes; \\xHH bytes are UTF-8 reassembled."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError("not a quoted string: %r" % s)
    body = s[1:-1]
    out = bytearray()
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
              "\\": 92, '"': 34, "'": 39}
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e == "u":
            out += chr(int(body[i + 2:i + 6], 16)).encode("utf-8", "surrogatepass")
            i += 6
        elif e == "U":
            out += chr(int(body[i + 2:i + 10], 16)).encode("utf-8")
            i += 10
        elif e in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            raise ValueError("bad escape \\%s in %r" % (e, s))
    return out.decode("utf-8")


def fold_type(text):
    """Fold the console's multi-line type() output onto one line."""
    parts = [ln.strip() for ln in text.strip().splitlines()]
    s = ""
    for p in parts:
        if not p:
            continue
        if s and not s.endswith(("(", "[", "{")) and not p.startswith((")", "]", "}")):
            s += " "
        s += p
    s = re.sub(r",(?=[\]\}\)])", "", s)
    return s


def parse_error(stderr):
    lines = stderr.replace("\r", "").split("\n")
    summary = None
    start = None
    for i, ln in enumerate(lines):
        m = re.match(r"^\s*(?:│\s*)?Error: (.*)$", ln)
        if m:
            summary = m.group(1).strip()
            start = i + 1
            break
    if summary is None:
        return "(unparsed) " + stderr.strip().split("\n")[0] if stderr.strip() else "(no output)", ""
    # Detail: the paragraphs after the "on <console-input> ..." source block.
    body = []
    for l in lines[start:]:
        l = re.sub(r"^\s*│ ?", "", l)
        if l.startswith("Error: ") or l.startswith("Warning: "):
            break  # the next diagnostic
        if l.startswith("goroutine "):
            break  # Go stack trace of a "panic in function implementation"
        body.append(l)
    paras, cur = [], []
    for l in body:
        if l.strip() in ("", "╵"):
            if cur:
                paras.append(cur)
                cur = []
        else:
            cur.append(l.strip())
    if cur:
        paras.append(cur)
    paras = [p for p in paras if not (p[0].startswith("on <console-input>")
                                      or p == ["(source code not available)"])]
    detail = "\n".join(" ".join(p) for p in paras)
    return summary, detail


class Console:
    def __init__(self, terraform, workdir, timeout=60):
        self.terraform = terraform
        self.workdir = workdir
        self.timeout = timeout
        cfg = os.path.join(workdir, "empty.tfrc")
        with open(cfg, "w"):
            pass
        self.env = dict(os.environ)
        self.env.update({
            "TF_CLI_CONFIG_FILE": cfg,
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "TF_INPUT": "0",
            "NO_COLOR": "1",
        })
        for k in list(self.env):
            if k.startswith("TF_VAR_") or k in ("TF_CLI_ARGS", "TF_CLI_ARGS_console", "TF_WORKSPACE"):
                del self.env[k]
        # A fixed, non-existent HOME so pathexpand("~/...") records a stable value.
        self.env["HOME"] = "/home/plcli-test"
        self.local = threading.local()
        self.counter = 0
        self.lock = threading.Lock()

    def _dir(self):
        # console locks terraform.tfstate in its working directory, so
        # concurrent consoles need a directory each: one per worker thread.
        d = getattr(self.local, "dir", None)
        if d is None:
            with self.lock:
                self.counter += 1
                d = os.path.join(self.workdir, "w%d" % self.counter)
            os.mkdir(d)
            self.local.dir = d
        return d

    def run(self, expr):
        """Evaluate one expression; return stdout text (without final newline)."""
        d = self._dir()
        env = dict(self.env, TF_DATA_DIR=os.path.join(d, ".terraform"))
        p = subprocess.run(
            [self.terraform, "console", "-no-color"],
            input=expr + "\n", cwd=d, env=env,
            capture_output=True, text=True, encoding="utf-8", timeout=self.timeout,
        )
        if p.returncode != 0:
            summary, detail = parse_error(p.stderr)
            raise ConsoleError(summary, detail, p.stderr)
        out = p.stdout
        if out.endswith("\n"):
            out = out[:-1]
        return out


def decode_console_string(out):
    out = out.strip("\n")
    if out.startswith('"'):
        return go_unquote(out)
    raise ValueError("unexpected console output for a string: %r" % out)


def record_case(con, expr):
    rec = {"expr": expr}
    # 1. type(E): decides whether E itself evaluates.
    try:
        rec["type"] = fold_type(con.run("type(%s)" % expr))
    except ConsoleError as e:
        rec["error"] = e.summary
        if e.detail:
            rec["error_detail"] = e.detail
    # 2. jsonencode(E)
    try:
        out = con.run("jsonencode(%s)" % expr)
        if out == SENSITIVE:
            rec["sensitive"] = True
            out = con.run("nonsensitive(jsonencode(%s))" % expr)
        if "error" in rec:
            rec["note"] = "type() failed but jsonencode() succeeded: %s" % out
        elif out == UNKNOWN:
            # e.g. format("%s", null): the result is an unknown value.
            rec["unknown"] = True
        else:
            text = decode_console_string(out)
            json.loads(text)  # sanity: must be valid JSON
            rec["json"] = text
    except ConsoleError as e:
        if "error" in rec:
            if e.summary != rec["error"]:
                rec["note"] = "jsonencode() failed differently: %s" % e.summary
        else:
            # E evaluates but cannot be encoded, e.g. 1/0 (infinity).
            rec["json_error"] = "%s: %s" % (e.summary, e.detail) if e.detail else e.summary
    # 3. E itself, as the console renders it.
    if "error" not in rec:
        try:
            rec["display"] = con.run(expr)
        except ConsoleError as e:
            rec["note"] = "display failed: %s" % e.summary
    # Key order in the output file.
    order = ["expr", "error", "error_detail", "sensitive", "unknown", "json", "json_error",
             "type", "display", "note"]
    return {k: rec[k] for k in order if k in rec}


def terraform_version(terraform):
    try:
        p = subprocess.run([terraform, "version", "-json"], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, CHECKPOINT_DISABLE="1"))
        return json.loads(p.stdout)["terraform_version"]
    except Exception:
        return None


def record_all(terraform, cases, jobs, progress=True):
    workdir = tempfile.mkdtemp(prefix="plcli-record-")
    try:
        con = Console(terraform, workdir)
        results = [None] * len(cases)
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
            futs = {ex.submit(record_case, con, c): i for i, c in enumerate(cases)}
            done = 0
            for f in concurrent.futures.as_completed(futs):
                i = futs[f]
                try:
                    results[i] = f.result()
                except Exception as e:  # decoding problem etc.: keep going, flag it
                    results[i] = {"expr": cases[i], "note": "recorder failure: %r" % e}
                done += 1
                if progress and (done % 50 == 0 or done == len(cases)):
                    print("  %d/%d" % (done, len(cases)), file=sys.stderr)
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _escape_invisible(text):
    """json.dumps(ensure_ascii=False) keeps control/format characters raw;
    escape everything that is not printable so the file stays readable."""
    def esc(c):
        o = ord(c)
        if o > 0xFFFF:
            o -= 0x10000
            return "\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF))
        return "\\u%04x" % o
    return "".join(ch if ch.isprintable() else esc(ch) for ch in text)


def write_json(path, version, results):
    # One case per line: stable, reviewable diffs.
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"terraform_version": %s, "cases": [\n' % json.dumps(version))
        for i, r in enumerate(results):
            f.write("  " + _escape_invisible(json.dumps(r, ensure_ascii=False)))
            f.write(",\n" if i + 1 < len(results) else "\n")
        f.write("]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=DEFAULT_CASES)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    ap.add_argument("--check", action="store_true",
                    help="re-run and compare against --out instead of writing it")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    if not shutil.which(args.terraform) and not os.path.exists(args.terraform):
        print("terraform not found", file=sys.stderr)
        return 2
    version = terraform_version(args.terraform)
    cases = read_cases(args.cases)
    t0 = time.time()
    results = record_all(args.terraform, cases, args.jobs, progress=not args.quiet)
    elapsed = time.time() - t0

    if args.check:
        with open(args.out, encoding="utf-8") as f:
            old = json.load(f)
        if old.get("terraform_version") != version:
            print("note: recorded with terraform %s, checking with %s"
                  % (old.get("terraform_version"), version))
        old_by_expr = {c["expr"]: c for c in old["cases"]}
        diffs = 0
        for r in results:
            o = old_by_expr.get(r["expr"])
            if o is None:
                print("NEW     %s" % r["expr"])
                diffs += 1
                continue
            for k in sorted(set(o) | set(r)):
                if o.get(k) != r.get(k):
                    print("DIFF    %s\n  %s: recorded %s\n  %s: now      %s"
                          % (r["expr"], k, json.dumps(o.get(k), ensure_ascii=False),
                             k, json.dumps(r.get(k), ensure_ascii=False)))
                    diffs += 1
        now = {r["expr"] for r in results}
        for e in old_by_expr:
            if e not in now:
                print("MISSING %s (recorded, no longer in the cases file)" % e)
                diffs += 1
        print("%d cases checked in %.1fs, %d differences" % (len(results), elapsed, diffs))
        return 1 if diffs else 0

    write_json(args.out, version, results)
    n_err = sum(1 for r in results if "error" in r)
    n_note = sum(1 for r in results if "note" in r)
    print("%d cases (%d errors, %d with notes) in %.1fs -> %s"
          % (len(results), n_err, n_note, elapsed, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
