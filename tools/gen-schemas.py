#!/usr/bin/env python3
"""Generate plcli's resource-schema data from the real Terraform AWS provider schema.

Usage:
    tools/gen-schemas.py [--from FILE] [--out FILE] [--overlay FILE] [--types-out FILE|-]
                         [--terraform PATH] [--plugin-dir DIR] [--provider-version V]
                         [--save-full FILE] [--check]

Without --from, runs (offline, in a temporary directory):

    provider_installation { filesystem_mirror { path = "<plugin-dir>" } }   # TF_CLI_CONFIG_FILE
    terraform { required_providers { aws = { source = "hashicorp/aws", version = "<V>" } } }
    resource "terraform_data" "x" {}     # makes the builtin provider's schemas appear too
    terraform init && terraform providers schema -json

With --from FILE, reads that `terraform providers schema -json` output instead.

Writes (paths relative to the repository root by default):
  crates/plcli-aws/data/schemas.json   the trimmed schemas of the types plcli simulates:
      {"provider_version": V, "provider": BLOCK, "resources": {TYPE: BLOCK},
       "data_sources": {TYPE: BLOCK}, "missing": {...}}
      BLOCK = {"attributes": {NAME: ATTR}, "blocks": {NAME: {"nesting", "min_items",
               "max_items", "attributes", "blocks"}}}
      ATTR  = {"type", "optional", "computed", "required", "force_new", "sensitive",
               "deprecated", "default"}
      "type" is the cty type exactly as the schema JSON spells it; attributes that the
      provider describes with "nested_type" (plugin-framework nested attributes) get the
      equivalent cty type: single -> ["object", {...}, [optional names]], list/set/map ->
      ["list"|"set"|"map", that object].  "nesting" is the provider's nesting_mode.
      Descriptions are dropped.  A type may also carry "conditional_force_new" and
      "conditional_defaults" (from the overlay).
  crates/plcli-aws/data/aws-types.txt  every resource and data source type of the provider
      ("resource NAME" / "data NAME" lines), used to tell a typo from an opaque type.

force_new and default are not in the schema JSON: they come from
crates/plcli-aws/data/overlay.json ({"resources": {TYPE: {PATH: {"force_new": true,
"default": V}}}, "data_sources": {...}}, PATH = ATTR or BLOCK.ATTR), merged here; every
overlay path must exist in the schema (the script fails otherwise, so a provider upgrade
that renames something is noticed).  "aliases" (aws_alb -> aws_lb ...) get their target's
overlay.

--check regenerates in memory and exits 1 if the files on disk differ.
Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "crates", "plcli-aws", "data")
AWS_KEY = "registry.terraform.io/hashicorp/aws"
BUILTIN_KEY = "terraform.io/builtin/terraform"

RESOURCES = [
    "aws_vpc", "aws_subnet", "aws_security_group", "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
    "aws_default_security_group", "aws_instance", "aws_network_interface",
    "aws_lb", "aws_alb", "aws_lb_target_group", "aws_alb_target_group", "aws_lb_listener",
    "aws_alb_listener", "aws_lb_target_group_attachment", "aws_alb_target_group_attachment",
    "aws_vpc_endpoint_service", "aws_vpc_endpoint_service_allowed_principal",
    "aws_vpc_endpoint_connection_accepter", "aws_vpc_endpoint_connection_notification",
    "aws_vpc_endpoint_service_private_dns_verification", "aws_vpc_endpoint",
    "aws_vpc_endpoint_subnet_association", "aws_vpc_endpoint_security_group_association",
    "aws_route53_zone", "aws_route53_record", "aws_sns_topic",
]
DATA_SOURCES = [
    "aws_caller_identity", "aws_region", "aws_partition", "aws_availability_zones", "aws_vpc",
    "aws_subnet", "aws_subnets", "aws_subnet_ids", "aws_vpc_endpoint_service", "aws_vpc_endpoint",
    "aws_route53_zone", "aws_iam_policy_document",
]
BUILTIN_RESOURCES = ["terraform_data"]
BUILTIN_DATA_SOURCES = ["terraform_remote_state"]
# Known reasons a listed type can be absent, reported under "missing".
MISSING_NOTES = {
    "aws_subnet_ids": "removed from the AWS provider in v5.0.0 (deprecated in v4 in favour of aws_subnets)",
}


def die(msg):
    print(f"gen-schemas: {msg}", file=sys.stderr)
    sys.exit(1)


# --- obtaining the schema -------------------------------------------------------------

def run_terraform(terraform, plugin_dir, version, workdir):
    """Runs `terraform init` + `terraform providers schema -json`; returns (json, version)."""
    tfrc = os.path.join(workdir, "tfrc")
    with open(tfrc, "w") as f:
        f.write('provider_installation {\n  filesystem_mirror {\n    path = %s\n  }\n}\n' % json.dumps(plugin_dir))
    with open(os.path.join(workdir, "main.tf"), "w") as f:
        f.write(
            'terraform {\n  required_providers {\n'
            '    aws = { source = "hashicorp/aws", version = %s }\n  }\n}\n'
            '\n# Only so that the builtin provider (terraform_data, terraform_remote_state) is listed.\n'
            'resource "terraform_data" "x" {}\n' % json.dumps(version))
    env = dict(os.environ, TF_CLI_CONFIG_FILE=tfrc, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    for args in (["init", "-input=false", "-no-color", "-backend=false"],):
        r = subprocess.run([terraform, *args], cwd=workdir, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            die(f"terraform {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    r = subprocess.run([terraform, "providers", "schema", "-json"], cwd=workdir, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        die(f"terraform providers schema -json failed:\n{r.stderr}")
    locked = None
    lock = os.path.join(workdir, ".terraform.lock.hcl")
    if os.path.exists(lock):
        m = re.search(r'provider "registry.terraform.io/hashicorp/aws" \{\s*version\s*=\s*"([^"]+)"', open(lock).read())
        locked = m.group(1) if m else None
    return r.stdout, locked or version


# --- trimming -------------------------------------------------------------------------

def nested_type_to_cty(nt):
    """plugin-framework nested attribute -> equivalent cty type."""
    attrs = nt.get("attributes", {})
    obj = {k: attr_cty(a) for k, a in sorted(attrs.items())}
    optional = sorted(k for k, a in attrs.items() if a.get("optional") or (a.get("computed") and not a.get("required")))
    ty = ["object", obj] + ([optional] if optional else [])
    mode = nt.get("nesting_mode", "single")
    if mode == "single":
        return ty
    if mode in ("list", "set", "map"):
        return [mode, ty]
    die(f"unknown nested_type nesting_mode {mode!r}")


def attr_cty(a):
    if "type" in a:
        return a["type"]
    if "nested_type" in a:
        return nested_type_to_cty(a["nested_type"])
    return "dynamic"


def trim_attr(a):
    return {
        "type": attr_cty(a),
        "optional": bool(a.get("optional")),
        "computed": bool(a.get("computed")),
        "required": bool(a.get("required")),
        "force_new": False,
        "sensitive": bool(a.get("sensitive")),
        "deprecated": bool(a.get("deprecated")),
        "default": None,
    }


def trim_block(b):
    out = {"attributes": {k: trim_attr(a) for k, a in sorted(b.get("attributes", {}).items())}, "blocks": {}}
    for name, bt in sorted(b.get("block_types", {}).items()):
        inner = trim_block(bt.get("block", {}))
        out["blocks"][name] = {
            "nesting": bt["nesting_mode"],
            "min_items": bt.get("min_items", 0),
            "max_items": bt.get("max_items", 0),
            "attributes": inner["attributes"],
            "blocks": inner["blocks"],
        }
    return out


def normalise_fallback(block):
    """Fills in the keys a hand-written (overlay) block may leave out."""
    out = {"attributes": {}, "blocks": {}}
    for k, a in sorted(block.get("attributes", {}).items()):
        full = {"type": "dynamic", "optional": False, "computed": False, "required": False,
                "force_new": False, "sensitive": False, "deprecated": False, "default": None}
        full.update(a)
        out["attributes"][k] = full
    for k, b in sorted(block.get("blocks", {}).items()):
        inner = normalise_fallback(b)
        out["blocks"][k] = {"nesting": b["nesting"], "min_items": b.get("min_items", 0), "max_items": b.get("max_items", 0), **inner}
    return out


# --- overlay --------------------------------------------------------------------------

def find_attr(block, path):
    parts = path.split(".")
    for p in parts[:-1]:
        block = block["blocks"].get(p)
        if block is None:
            return None
    return block["attributes"].get(parts[-1])


def find_node(block, path):
    """An attribute or a block at path (for conditional notes, which may name a block)."""
    parts = path.split(".")
    for i, p in enumerate(parts):
        last = i == len(parts) - 1
        if last and p in block["attributes"]:
            return block["attributes"][p]
        nxt = block["blocks"].get(p)
        if nxt is None:
            return None
        if last:
            return nxt
        block = nxt
    return None


def apply_overlay(kind, schemas, overlay, aliases, errors):
    entries = dict(overlay.get(kind, {}))
    for alias, target in aliases.items():
        if target in entries and alias not in entries and alias in schemas:
            entries[alias] = entries[target]
    for ty, attrs in entries.items():
        if ty not in schemas:
            errors.append(f"overlay {kind}.{ty}: type not in the generated schemas")
            continue
        for path, spec in attrs.items():
            a = find_attr(schemas[ty], path)
            if a is None:
                errors.append(f"overlay {kind}.{ty}.{path}: no such attribute in the provider schema")
                continue
            for key, val in spec.items():
                if key not in ("force_new", "default"):
                    errors.append(f"overlay {kind}.{ty}.{path}: unknown key {key!r}")
                    continue
                if key == "force_new" and a["computed"] and not (a["optional"] or a["required"]):
                    errors.append(f"overlay {kind}.{ty}.{path}: force_new on a computed-only attribute")
                a[key] = val
    if kind != "resources":
        return
    for key in ("conditional_force_new", "conditional_defaults"):
        cond = dict(overlay.get(key, {}))
        for alias, target in aliases.items():
            if target in cond and alias not in cond and alias in schemas:
                cond[alias] = cond[target]
        for ty, notes in sorted(cond.items()):
            if ty not in schemas:
                errors.append(f"overlay {key}.{ty}: type not in the generated schemas")
                continue
            for path in notes:
                if find_node(schemas[ty], path) is None:
                    errors.append(f"overlay {key}.{ty}.{path}: no such attribute or block")
            schemas[ty][key] = notes


# --- output ---------------------------------------------------------------------------

def compact(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render(doc):
    """Sorted keys, one line per type."""
    lines = ["{", f'"provider_version":{compact(doc["provider_version"])},', f'"provider":{compact(doc["provider"])},']
    for section in ("resources", "data_sources"):
        items = sorted(doc[section].items())
        lines.append(f'"{section}":{{')
        for i, (ty, b) in enumerate(items):
            lines.append(f'{compact(ty)}:{compact(b)}' + ("," if i < len(items) - 1 else ""))
        lines.append("},")
    lines.append(f'"missing":{compact(doc["missing"])}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def build(full, version, overlay):
    ps = full.get("provider_schemas", {})
    if AWS_KEY not in ps:
        die(f"{AWS_KEY} not in the schema JSON (providers: {', '.join(ps) or 'none'})")
    aws = ps[AWS_KEY]
    builtin = ps.get(BUILTIN_KEY, {})
    fallback = overlay.get("builtin_fallback", {})
    doc = {"provider_version": version, "provider": trim_block(aws["provider"]["block"]),
           "resources": {}, "data_sources": {},
           "missing": {"resources": {}, "data_sources": {}}}
    for kind, names, builtin_names, src_key in (
        ("resources", RESOURCES, BUILTIN_RESOURCES, "resource_schemas"),
        ("data_sources", DATA_SOURCES, BUILTIN_DATA_SOURCES, "data_source_schemas"),
    ):
        for ty in names:
            s = aws.get(src_key, {}).get(ty)
            if s is None:
                doc["missing"][kind][ty] = MISSING_NOTES.get(ty, f"not in AWS provider {version}")
            else:
                doc[kind][ty] = trim_block(s["block"])
        for ty in builtin_names:
            s = builtin.get(src_key, {}).get(ty)
            if s is not None:
                doc[kind][ty] = trim_block(s["block"])
            elif ty in fallback.get(kind, {}):
                doc[kind][ty] = normalise_fallback(fallback[kind][ty])
                print(f"gen-schemas: {ty}: not in the schema JSON, using overlay builtin_fallback", file=sys.stderr)
            else:
                doc["missing"][kind][ty] = "builtin provider schema not available"
    aliases = overlay.get("aliases", {})
    for alias, target in aliases.items():
        if alias in doc["resources"] and target in doc["resources"] and doc["resources"][alias] != doc["resources"][target]:
            print(f"gen-schemas: warning: {alias} and {target} schemas differ", file=sys.stderr)
    errors = []
    apply_overlay("resources", doc["resources"], overlay, aliases, errors)
    apply_overlay("data_sources", doc["data_sources"], overlay, aliases, errors)
    if errors:
        die("overlay does not match the schema:\n  " + "\n  ".join(errors))
    types = [f"# Every resource and data source type of the Terraform AWS provider {version} (generated by tools/gen-schemas.py)."]
    types += [f"resource {t}" for t in sorted(aws.get("resource_schemas", {}))]
    types += [f"data {t}" for t in sorted(aws.get("data_source_schemas", {}))]
    return render(doc), "\n".join(types) + "\n", doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="src", metavar="FILE", help="existing `terraform providers schema -json` output")
    ap.add_argument("--out", default=os.path.join(DATA, "schemas.json"))
    ap.add_argument("--overlay", default=os.path.join(DATA, "overlay.json"))
    ap.add_argument("--types-out", default=os.path.join(DATA, "aws-types.txt"), help="'-' to skip")
    ap.add_argument("--terraform", default=shutil.which("terraform") or "/usr/local/bin/terraform")
    ap.add_argument("--plugin-dir", default="/opt/tf-plugins", help="filesystem mirror holding registry.terraform.io/")
    ap.add_argument("--provider-version", help="AWS provider version (default: the overlay's provider_version)")
    ap.add_argument("--save-full", metavar="FILE", help="also keep the untrimmed schema JSON here")
    ap.add_argument("--check", action="store_true", help="exit 1 if the files on disk are not up to date")
    args = ap.parse_args()

    overlay = json.load(open(args.overlay))
    version = args.provider_version or overlay.get("provider_version") or "5.100.0"
    if args.src:
        raw = open(args.src).read()
    else:
        with tempfile.TemporaryDirectory(prefix="plcli-gen-schemas-") as tmp:
            raw, version = run_terraform(args.terraform, args.plugin_dir, version, tmp)
    if args.save_full:
        with open(args.save_full, "w") as f:
            f.write(raw)
    if overlay.get("provider_version") and overlay["provider_version"] != version:
        print(f"gen-schemas: warning: overlay was checked against provider {overlay['provider_version']}, schema is {version}", file=sys.stderr)
    schemas_text, types_text, doc = build(json.loads(raw), version, overlay)
    outputs = [(args.out, schemas_text)] + ([] if args.types_out == "-" else [(args.types_out, types_text)])
    if args.check:
        stale = [p for p, text in outputs if not os.path.exists(p) or open(p).read() != text]
        if stale:
            die("out of date: " + ", ".join(stale))
        return
    for path, text in outputs:
        with open(path, "w") as f:
            f.write(text)
    missing = [f"{k}:{t}" for k in ("resources", "data_sources") for t in doc["missing"][k]]
    print(f"gen-schemas: wrote {args.out} ({len(doc['resources'])} resources, {len(doc['data_sources'])} data sources"
          + (f"; missing {', '.join(missing)}" if missing else "") + ")", file=sys.stderr)


if __name__ == "__main__":
    main()
