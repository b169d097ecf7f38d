//! `show`, `output`, `state`, `graph`, and the plan options `--target`, `--replace`,
//! `lifecycle` rules.

mod common;

use common::{plcli, root, Run};

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.transcript());
}

const CONFIG: &str = r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name = "main"
  }
}

resource "aws_subnet" "a" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "terraform_data" "note" {
  input = "v1"
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "subnets" {
  value = aws_subnet.a[*].cidr_block
}
"#;

#[test]
fn show_output_and_state_commands() {
    let d = root(&[("main.tf", CONFIG)]);
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let list = plcli(d.path(), &["state", "list"]);
    ok(&list);
    assert_eq!(list.stdout, "aws_subnet.a[0]\naws_subnet.a[1]\naws_vpc.main\nterraform_data.note\n");
    let raw = plcli(d.path(), &["output", "--raw", "vpc_id"]);
    ok(&raw);
    assert!(raw.stdout.starts_with("vpc-") && !raw.stdout.contains('"'), "{}", raw.stdout);
    let json = plcli(d.path(), &["output", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(j["subnets"]["value"], serde_json::json!(["10.0.0.0/24", "10.0.1.0/24"]));
    assert_eq!(j["subnets"]["sensitive"], false);
    let missing = plcli(d.path(), &["output", "nope"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("Output \"nope\" not found"));
    let show = plcli(d.path(), &["show", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    let addrs: Vec<&str> =
        j["values"]["root_module"]["resources"].as_array().unwrap().iter().map(|r| r["address"].as_str().unwrap()).collect();
    assert_eq!(addrs, vec!["aws_subnet.a[0]", "aws_subnet.a[1]", "aws_vpc.main", "terraform_data.note"]);
    assert_eq!(j["values"]["root_module"]["resources"][0]["index"], 0);
    // state mv renames; the next plan sees nothing to do at the old address.
    ok(&plcli(d.path(), &["state", "mv", "terraform_data.note", "terraform_data.renamed"]));
    let plan = plcli(d.path(), &["plan", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let changed: Vec<String> = j["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"]["actions"] != serde_json::json!(["no-op"]))
        .map(|c| format!("{} {}", c["address"].as_str().unwrap(), c["change"]["actions"]))
        .collect();
    assert_eq!(changed, vec!["terraform_data.note [\"create\"]", "terraform_data.renamed [\"delete\"]"]);
    // state rm forgets (the object stays in the world).
    ok(&plcli(d.path(), &["state", "rm", "terraform_data.renamed"]));
    assert!(!plcli(d.path(), &["state", "list"]).stdout.contains("renamed"));
}

#[test]
fn target_and_replace() {
    let d = root(&[("main.tf", CONFIG)]);
    let plan = plcli(d.path(), &["plan", "--json", "--target", "aws_subnet.a[1]"]);
    ok(&plan);
    let j: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let creates: Vec<&str> = j["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"]["actions"] == serde_json::json!(["create"]))
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    // The target and what it depends on, nothing else.
    assert_eq!(creates, vec!["aws_subnet.a[1]", "aws_vpc.main"]);
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let plan = plcli(d.path(), &["plan", "--json", "--replace", "terraform_data.note"]);
    let j: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let c = j["resource_changes"].as_array().unwrap().iter().find(|c| c["address"] == "terraform_data.note").unwrap().clone();
    assert_eq!(c["change"]["actions"], serde_json::json!(["delete", "create"]));
    assert_eq!(c["action_reason"], "replace_by_request");
}

#[test]
fn lifecycle_rules() {
    let cfg = r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name = "main"
  }
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags]
  }
}
"#;
    let d = root(&[("main.tf", cfg)]);
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    // A tag change is ignored.
    std::fs::write(d.path().join("main.tf"), cfg.replace("Name = \"main\"", "Name = \"other\"")).unwrap();
    let plan = plcli(d.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    // A CIDR change would replace it: prevent_destroy refuses, naming the resource.
    std::fs::write(d.path().join("main.tf"), cfg.replace("10.0.0.0/16", "10.1.0.0/16")).unwrap();
    let plan = plcli(d.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("Instance cannot be destroyed") && plan.stderr.contains("aws_vpc.main"), "{}", plan.stderr);
    let destroy = plcli(d.path(), &["destroy", "--auto-approve"]);
    assert_eq!(destroy.code, 1);
}

#[test]
fn graph_formats() {
    let d = root(&[("main.tf", CONFIG)]);
    let dot = plcli(d.path(), &["graph"]);
    ok(&dot);
    assert!(dot.stdout.starts_with("digraph {"));
    assert!(dot.stdout.contains("label = \"aws_subnet.a\""));
    let mermaid = plcli(d.path(), &["graph", "--format", "mermaid"]);
    ok(&mermaid);
    assert!(mermaid.stdout.starts_with("flowchart LR"));
    assert!(mermaid.stdout.contains("-->"));
}

#[test]
fn apply_refuses_off_a_terminal_without_auto_approve() {
    let d = root(&[("main.tf", CONFIG)]);
    let r = plcli(d.path(), &["apply"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--auto-approve"), "{}", r.stderr);
    assert!(!d.path().join("plcli.state.json").exists());
}

#[test]
fn a_required_variable_without_value_fails_plan_naming_it() {
    let d =
        root(&[("main.tf", "variable \"cidr\" {\n  type = string\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = var.cidr\n}\n")]);
    let r = plcli(d.path(), &["plan"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("No value for required variable") && r.stderr.contains("cidr"), "{}", r.stderr);
    let r = plcli(d.path(), &["plan", "--var", "cidr=10.0.0.0/16"]);
    assert_eq!(r.code, 0, "{}", r.transcript());
}

#[test]
fn terraform_remote_state_reads_another_roots_outputs() {
    let d = root(&[
        ("a/main.tf", "output \"x\" {\n  value = \"hello\"\n}\n"),
        ("b/main.tf", "data \"terraform_remote_state\" \"a\" {\n  backend = \"local\"\n  config = {\n    path = \"../a/plcli.state.json\"\n  }\n}\n\noutput \"y\" {\n  value = data.terraform_remote_state.a.outputs.x\n}\n"),
    ]);
    ok(&plcli(d.path(), &["apply", "--auto-approve", "--dir", "a"]));
    ok(&plcli(d.path(), &["apply", "--auto-approve", "--dir", "b"]));
    let y = plcli(d.path(), &["output", "--raw", "y", "--dir", "b"]);
    assert_eq!(y.stdout, "hello");
}
