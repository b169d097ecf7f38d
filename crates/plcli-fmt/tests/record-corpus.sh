#!/bin/sh
# Regenerates tests/corpus/*.out.tf from tests/corpus/*.in.tf with the real
# `terraform fmt` (file mode, i.e. exactly what it writes back to a file; the
# stdout of `terraform fmt -` differs only by always ending in a newline).
# Usage: crates/plcli-fmt/tests/record-corpus.sh   (needs terraform on PATH)
set -eu
dir=$(cd "$(dirname "$0")/corpus" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for in in "$dir"/*.in.tf; do
  name=$(basename "$in" .in.tf)
  cp "$in" "$work/case.tf"
  if ! TF_CLI_CONFIG_FILE=/dev/null terraform fmt -no-color "$work/case.tf" >/dev/null; then
    echo "terraform fmt rejected $name" >&2
    exit 1
  fi
  cp "$work/case.tf" "$dir/$name.out.tf"
done
echo "recorded $(ls "$dir"/*.in.tf | wc -l) cases with $(terraform version | head -n 1)"
