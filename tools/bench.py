#!/usr/bin/env python3
"""Benchmark plcli at scale, beside Terraform, in one run.

For each topology shape (`expanded`: every consumer as its own blocks; `for_each`: one
for_each over a consumer map in terraform.tfvars.json) and each N (default 100, 1,000 and
10,000 consumer VPCs, 8 resources each, written by tools/gen-topology.py), it runs the release
binary on a fresh root and measures wall time and peak resident memory (getrusage of the child,
through wait4) of:

  validate            parse, evaluate, type- and schema-check
  plan                from an empty state and world
  apply               plan and carry it out on the simulated region (state, world, journal)
  plan (no-op)        refresh every resource from the world, diff, "No changes."
  verify              every derived path (2 per consumer), hop by hop
  lint                when the binary has the command

Then, where `terraform` is on PATH, Terraform in the same run: `plan` of the terraform_data
shape at --tf-plan-n (default 2,000), `apply` of it at --tf-apply-n (default 500), and `plan` of
the AWS shape with the AWS provider (offline, mock credentials) from the filesystem mirror at
--tf-plugins (default /opt/tf-plugins) when that mirror holds it. plcli runs the same commands
at the same N, and the script prints the ratios. Where `terraform` is absent, the ratios use the
figures recorded in docs/performance.md.

Output: a table on stdout; --json FILE also writes every measurement.

Usage: python3 tools/bench.py [--sizes 100,1000,10000] [--shapes expanded,for_each]
                              [--no-terraform] [--tf-plan-n 2000] [--tf-apply-n 500]
                              [--no-build] [--keep DIR] [--json FILE]
Python 3 standard library only. Needs about 2 GB of free disk space at N = 10,000.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "tools", "gen-topology.py")
BIN = os.path.join(REPO, "target", "release", "plcli")

# Recorded on the 2-core benchmark machine (docs/performance.md, run of 2026-12-05), used
# when terraform is absent.
RECORDED_TERRAFORM = {
    ("terraform_data plan", "expanded", 2000): 31.55,
    ("terraform_data apply", "expanded", 500): 268.50,
    ("aws provider plan", "expanded", 2000): 68.85,
}

TARGET_SECONDS = 3.0
TARGET_BYTES = 1 << 30
TARGET_GROWTH = 14.0


def run(argv, cwd, env=None, stdout=subprocess.DEVNULL, timeout=None):
    """Run argv; return (exit code, wall seconds, peak RSS bytes, stderr tail). A run killed at
    `timeout` seconds exits with code -9."""
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    # A session of its own, so that a timeout stops Terraform's provider plugins too.
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
    timer = threading.Timer(timeout, lambda: os.killpg(p.pid, 9)) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if timer:
        timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    tail = err.read()[-2000:].decode("utf-8", "replace")
    return p.returncode, wall, usage.ru_maxrss * 1024, tail


def generate(n, shape, flavor, out):
    subprocess.run([sys.executable, GEN, "--consumers", str(n), "--shape", shape, "--flavor", flavor, "--out", out], check=True)


def has_lint():
    r = subprocess.run([BIN, "lint", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def plcli_commands(lint):
    cmds = [
        ("validate", ["validate"], (0,)),
        ("plan", ["plan"], (0,)),
        ("apply", ["apply", "--auto-approve"], (0,)),
        ("plan (no-op)", ["plan", "--detailed-exitcode"], (0,)),
        ("verify", ["verify"], (0,)),
    ]
    if lint:
        # Findings exit 2; only a crash or an error (1) is a failure here.
        cmds.append(("lint", ["lint"], (0, 2)))
    return cmds


def reset_root(root):
    """Remove what apply wrote: state, its backup and lock, the world."""
    for f in os.listdir(root):
        if f.startswith("plcli.state.json"):
            os.remove(os.path.join(root, f))
    shutil.rmtree(os.path.join(root, ".plcli"), ignore_errors=True)


def bench_plcli(n, shape, work, lint, only=None, repeat=1):
    """Each command `repeat` times (apply from an empty root each time); the fastest run is
    kept, as the least disturbed by anything else on the machine."""
    root = os.path.join(work, f"plcli-{shape}-{n}")
    generate(n, shape, "plcli", root)
    rows = []
    env = dict(os.environ, NO_COLOR="1")
    for name, args, ok in plcli_commands(lint):
        if only and name not in only:
            continue
        best = None
        for _ in range(repeat):
            if name == "apply":
                reset_root(root)
            code, wall, rss, tail = run([BIN, *args], root, env)
            if code not in ok:
                sys.exit(f"plcli {' '.join(args)} failed at N={n} ({shape}), exit {code}:\n{tail}")
            if best is None or wall < best[0]:
                best = (wall, rss)
        wall, rss = best
        rows.append({"tool": "plcli", "command": name, "shape": shape, "n": n, "resources": 8 * n + 16, "seconds": wall, "peak_bytes": rss})
        print(f"  plcli {name:<13} {shape:<9} N={n:<6} {wall:8.3f} s {rss / 2**20:8.1f} MiB", file=sys.stderr, flush=True)
    return rows


def tf_env(work, plugins):
    rc = os.path.join(work, "terraformrc")
    with open(rc, "w") as f:
        f.write(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{plugins}"\n  }}\n}}\n' if plugins else "")
    return dict(os.environ, TF_CLI_CONFIG_FILE=rc, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0", NO_COLOR="1")


def bench_terraform(label, n, shape, flavor, work, env, apply, timeout):
    root = os.path.join(work, f"tf-{flavor}-{shape}-{n}")
    generate(n, shape, flavor, root)
    code, _, _, tail = run(["terraform", "init", "-input=false", "-no-color"], root, env)
    if code != 0:
        print(f"  terraform init failed ({flavor}, {shape}): {tail.strip()[-400:]}", file=sys.stderr)
        return []
    rows = []
    steps = [("plan", ["terraform", "plan", "-input=false", "-no-color", "-lock=false"])]
    if apply:
        steps = [("apply", ["terraform", "apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"])]
    for name, argv in steps:
        code, wall, rss, tail = run(argv, root, env, timeout=timeout)
        if code == -9:
            print(f"  terraform {label} {name:<6} {shape:<9} N={n:<6} stopped after {timeout} s", file=sys.stderr, flush=True)
            rows.append({"tool": "terraform", "command": f"{label} {name}", "shape": shape, "n": n, "resources": 8 * n + 16, "seconds": wall, "peak_bytes": rss, "stopped": True})
            continue
        if code != 0:
            print(f"  terraform {name} failed ({flavor}, {shape}, N={n}): {tail.strip()[-400:]}", file=sys.stderr)
            continue
        rows.append({"tool": "terraform", "command": f"{label} {name}", "shape": shape, "n": n, "resources": 8 * n + 16, "seconds": wall, "peak_bytes": rss})
        print(f"  terraform {label} {name:<6} {shape:<9} N={n:<6} {wall:8.3f} s {rss / 2**20:8.1f} MiB", file=sys.stderr, flush=True)
    return rows


def table(rows, lint):
    cmds = [c for c, _, _ in plcli_commands(lint)]
    by = {(r["shape"], r["n"], r["command"]): r for r in rows if r["tool"] == "plcli"}
    out = []
    shapes = sorted({r["shape"] for r in rows if r["tool"] == "plcli"}, key=lambda s: s != "expanded")
    sizes = sorted({r["n"] for r in rows if r["tool"] == "plcli"})
    head = "| shape | N | resources | " + " | ".join(cmds) + " |"
    out.append(head)
    out.append("|" + "---|" * (3 + len(cmds)))
    for shape in shapes:
        for n in sizes:
            cells = []
            for c in cmds:
                r = by.get((shape, n, c))
                cells.append("—" if r is None else f"{r['seconds']:.2f} s / {r['peak_bytes'] / 2**20:.0f} MiB")
            if all(c == "—" for c in cells):
                continue
            out.append(f"| {shape} | {n:,} | {8 * n + 16:,} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def growth(rows, lint):
    """Time ratio N=10,000 / N=1,000 per command (the n log n bar: at most 14x)."""
    by = {(r["shape"], r["n"], r["command"]): r["seconds"] for r in rows if r["tool"] == "plcli"}
    out = []
    for shape in ("expanded", "for_each"):
        for c, _, _ in plcli_commands(lint):
            a, b = by.get((shape, 1000, c)), by.get((shape, 10000, c))
            if a and b:
                out.append((shape, c, b / a))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,10000", help="consumer counts, comma-separated")
    ap.add_argument("--shapes", default="expanded,for_each", help="expanded, for_each or both")
    ap.add_argument("--no-terraform", action="store_true", help="skip Terraform (ratios use the recorded figures)")
    ap.add_argument("--tf-plan-n", type=int, default=2000, help="N for Terraform's plan (0: skip)")
    ap.add_argument("--tf-apply-n", type=int, default=500, help="N for Terraform's apply of terraform_data (0: skip)")
    ap.add_argument("--tf-aws-plan-n", type=int, default=2000, help="N for Terraform's plan with the AWS provider (0: skip)")
    ap.add_argument("--tf-shapes", default=None, help="shapes to run Terraform on (default: --shapes)")
    ap.add_argument("--tf-timeout", type=int, default=900, help="stop a Terraform command after this many seconds (reported as a lower bound)")
    ap.add_argument("--tf-for-each-timeout", type=int, default=300, help="the same for the for_each shape, where Terraform is quadratic (its plan at N = 2,000 took over 18 minutes)")
    ap.add_argument("--tf-plugins", default="/opt/tf-plugins", help="filesystem mirror holding registry.terraform.io/hashicorp/aws")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each plcli command; the fastest is reported")
    ap.add_argument("--no-build", action="store_true", help="use target/release/plcli as it is")
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temporary directory)")
    ap.add_argument("--json", metavar="FILE", help="also write every measurement as JSON")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s]
    shapes = [s for s in args.shapes.split(",") if s]
    for s in shapes:
        if s not in ("expanded", "for_each"):
            ap.error(f"unknown shape {s}")

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "plcli"], cwd=REPO, check=True)
    if not os.access(BIN, os.X_OK):
        sys.exit(f"{BIN} is missing: run cargo build --release")
    lint = has_lint()
    work = args.keep or tempfile.mkdtemp(prefix="plcli-bench-")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        print(f"plcli benchmark in {work} ({os.cpu_count()} CPUs)", file=sys.stderr)
        for shape in shapes:
            for n in sizes:
                rows += bench_plcli(n, shape, work, lint, repeat=args.repeat)
        terraform = shutil.which("terraform") and not args.no_terraform
        compare = []  # (label, shape, n, plcli command)
        if args.tf_plan_n:
            compare.append(("terraform_data plan", "plan", args.tf_plan_n))
        if args.tf_apply_n:
            compare.append(("terraform_data apply", "apply", args.tf_apply_n))
        aws_mirror = os.path.isdir(os.path.join(args.tf_plugins, "registry.terraform.io", "hashicorp", "aws"))
        if args.tf_aws_plan_n and aws_mirror:
            compare.append(("aws provider plan", "plan", args.tf_aws_plan_n))
        # plcli at the comparison sizes, in this run.
        for shape in [s for s in (args.tf_shapes or args.shapes).split(",") if s and s in shapes]:
            for n in sorted({n for _, _, n in compare}):
                if n not in sizes:
                    rows += bench_plcli(n, shape, work, lint, only={"validate", "plan", "apply"}, repeat=args.repeat)
        tf_shapes = [s for s in (args.tf_shapes or args.shapes).split(",") if s]
        if terraform:
            for shape in tf_shapes:
                for label, cmd, n in compare:
                    timeout = args.tf_for_each_timeout if shape == "for_each" else args.tf_timeout
                    if label.startswith("aws"):
                        env = tf_env(work, args.tf_plugins)
                        rows += bench_terraform("aws provider", n, shape, "terraform-aws", work, env, apply=False, timeout=timeout)
                    else:
                        env = tf_env(work, None)
                        rows += bench_terraform("terraform_data", n, shape, "terraform-data", work, env, apply=cmd == "apply", timeout=timeout)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}, release build, "
          f"{os.cpu_count()} CPUs; wall time / peak RSS per command")
    print()
    print(table(rows, lint))
    print()
    g = growth(rows, lint)
    if g:
        print("Growth from N = 1,000 to 10,000 (target: at most 14x):")
        for shape, c, ratio in g:
            print(f"  {shape:<9} {c:<13} {ratio:5.1f}x {'ok' if ratio <= TARGET_GROWTH else 'OVER'}")
        print()
    plcli_at = {(r["shape"], r["n"], r["command"]): r for r in rows if r["tool"] == "plcli"}
    tf = {(r["shape"], r["n"], r["command"]): r for r in rows if r["tool"] == "terraform"}
    lines = []
    for shape in shapes:
        for label, cmd, n in compare:
            p = plcli_at.get((shape, n, cmd))
            t = tf.get((shape, n, label))
            source = "measured now"
            if t is None:
                rec = RECORDED_TERRAFORM.get((label, shape, n))
                if rec is None:
                    continue
                t = {"seconds": rec, "peak_bytes": 0}
                source = "recorded in docs/performance.md"
            if p is None:
                continue
            over = ">" if t.get("stopped") else ""
            lines.append(f"| {shape} | {n:,} | terraform {label} | {over}{t['seconds']:.2f} s | plcli {cmd} | {p['seconds']:.3f} s | {over}{t['seconds'] / p['seconds']:,.0f}x | {source} |")
    if lines:
        print("| shape | N | Terraform | time | plcli | time | ratio | Terraform figure |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(lines))
        print()
    over = [r for r in rows if r["tool"] == "plcli" and r["n"] == 10000 and (r["seconds"] > TARGET_SECONDS or r["peak_bytes"] >= TARGET_BYTES)]
    if any(r["n"] == 10000 for r in rows if r["tool"] == "plcli"):
        if over:
            print("Targets NOT met at N = 10,000 (<= 3 s, < 1 GiB): " + ", ".join(f"{r['shape']} {r['command']} {r['seconds']:.2f} s {r['peak_bytes'] / 2**20:.0f} MiB" for r in over))
        else:
            print("Every command at N = 10,000 within 3 s and 1 GiB.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpus": os.cpu_count(), "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
