//! The benchmark's generated topologies (tools/gen-topology.py) at a small N: both shapes
//! validate, plan, apply, verify every derived path reachable and re-plan clean, and describe
//! the same resources. No timings here: tools/bench.py measures those.

mod common;

use std::path::Path;
use std::process::Command;

use common::{plcli, repo, Run};

const N: usize = 5;
/// 16 provider-side resources, 8 per consumer.
const RESOURCES: usize = 16 + 8 * N;

fn has_python() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn generate(out: &Path, shape: &str, flavor: &str, n: usize) {
    let status = Command::new("python3")
        .arg(repo().join("tools/gen-topology.py"))
        .args(["--consumers", &n.to_string(), "--shape", shape, "--flavor", flavor, "--out"])
        .arg(out)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "gen-topology.py failed for {shape}/{flavor}");
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.transcript());
}

fn resource_addresses(dir: &Path) -> Vec<String> {
    let r = plcli(dir, &["show", "--json"]);
    ok(&r);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("show --json is JSON");
    let mut out: Vec<String> = j["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["type"].as_str().unwrap_or("").to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn generated_topologies_validate_plan_apply_verify_and_replan_clean() {
    if !has_python() {
        eprintln!("skipped: python3 is not on PATH");
        return;
    }
    let mut types_by_shape = Vec::new();
    for shape in ["expanded", "for_each"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join(shape);
        generate(&dir, shape, "plcli", N);

        let r = plcli(&dir, &["validate"]);
        ok(&r);
        assert!(r.stderr.trim().is_empty(), "{shape}: validate warned:\n{}", r.transcript());

        let r = plcli(&dir, &["plan"]);
        ok(&r);
        assert!(r.stdout.contains(&format!("Plan: {RESOURCES} to add, 0 to change, 0 to destroy.")), "{shape}:\n{}", r.transcript());

        let r = plcli(&dir, &["apply", "--auto-approve"]);
        ok(&r);
        assert!(
            r.stdout.contains(&format!("Apply complete! Resources: {RESOURCES} added, 0 changed, 0 destroyed.")),
            "{shape}:\n{}",
            r.transcript()
        );

        // Every derived path (endpoint × listener port × endpoint subnet) is reachable.
        let r = plcli(&dir, &["verify", "--json"]);
        ok(&r);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("verify --json is JSON");
        let paths = j["paths"].as_array().expect("paths");
        assert_eq!(paths.len(), 2 * N, "{shape}: one path per consumer subnet");
        for p in paths {
            assert_eq!(p["result"], "reachable", "{shape}: {p}");
            assert_eq!(p["ok"], true, "{shape}: {p}");
        }
        assert_eq!(j["summary"]["failed"], 0);

        let r = plcli(&dir, &["plan", "--detailed-exitcode"]);
        ok(&r);
        assert!(r.stdout.contains("No changes."), "{shape}:\n{}", r.transcript());

        types_by_shape.push(resource_addresses(&dir));
    }
    // Both shapes describe the same topology: the same resources of the same types.
    assert_eq!(types_by_shape[0].len(), RESOURCES);
    assert_eq!(types_by_shape[0], types_by_shape[1]);
}

#[test]
fn terraform_flavors_are_valid_for_plcli() {
    if !has_python() {
        eprintln!("skipped: python3 is not on PATH");
        return;
    }
    for shape in ["expanded", "for_each"] {
        for flavor in ["terraform-data", "terraform-aws"] {
            let tmp = tempfile::tempdir().expect("temp dir");
            let dir = tmp.path().join("root");
            generate(&dir, shape, flavor, N);
            ok(&plcli(&dir, &["validate"]));
            // The offline AWS flavor exists for Terraform's plan only: without assume_role its
            // consumer is an account root the allow-list does not admit.
            if flavor == "terraform-data" {
                let r = plcli(&dir, &["plan"]);
                ok(&r);
                assert!(
                    r.stdout.contains(&format!("Plan: {RESOURCES} to add, 0 to change, 0 to destroy.")),
                    "{shape}:\n{}",
                    r.transcript()
                );
            }
        }
    }
}

/// Terraform plans the terraform_data shape with the same number of resources (skipped when
/// terraform is absent).
#[test]
fn terraform_plans_the_terraform_data_shape() {
    let has_tf = Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !has_python() || !has_tf {
        eprintln!("skipped: terraform or python3 is not on PATH");
        return;
    }
    for shape in ["expanded", "for_each"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("root");
        generate(&dir, shape, "terraform-data", 2);
        let terraform = |args: &[&str]| {
            Command::new("terraform")
                .args(args)
                .current_dir(&dir)
                .env("TF_CLI_CONFIG_FILE", "/dev/null")
                .env("CHECKPOINT_DISABLE", "1")
                .env("TF_IN_AUTOMATION", "1")
                .output()
                .expect("terraform runs")
        };
        assert!(terraform(&["init", "-input=false", "-no-color"]).status.success());
        let out = terraform(&["plan", "-input=false", "-no-color", "-lock=false"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{shape}: {text}");
        assert!(text.contains(&format!("Plan: {} to add, 0 to change, 0 to destroy.", 16 + 8 * 2)), "{shape}: {text}");
    }
}
