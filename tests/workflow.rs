//! The Terraform workflow end to end: plan, apply, plan again, change, destroy, saved plans,
//! bad files, locks, and crash safety — on temporary copies of the examples.

mod common;

use std::path::Path;

use common::{copy_dir, plcli, repo, Run};

fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples").join(name), dir.path());
    dir
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.transcript());
}

fn world_objects(path: &Path) -> Vec<String> {
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut v: Vec<String> = j["objects"].as_object().unwrap().keys().cloned().collect();
    v.sort();
    v
}

#[test]
fn every_example_applies_and_then_plans_no_changes() {
    for ex in ["payments", "fraud-scoring"] {
        let d = example(ex);
        ok(&plcli(d.path(), &["apply", "--auto-approve"]));
        let again = plcli(d.path(), &["plan", "--detailed-exitcode"]);
        assert_eq!(again.code, 0, "{ex}: second plan is not empty:\n{}", again.transcript());
        assert!(again.stdout.contains("No changes."), "{}", again.stdout);
        ok(&plcli(d.path(), &["destroy", "--auto-approve"]));
        let st: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.path().join("plcli.state.json")).unwrap()).unwrap();
        assert_eq!(
            st["resources"].as_array().unwrap().iter().filter(|r| r["mode"] == "managed").count(),
            0,
            "{ex}: state not empty after destroy"
        );
        assert!(world_objects(&d.path().join(".plcli/world.json")).is_empty(), "{ex}: world not empty after destroy");
    }
}

#[test]
fn split_roots_share_one_world() {
    let d = example("split-roots");
    let world = d.path().join("world.json");
    let w = world.to_str().unwrap();
    ok(&plcli(d.path(), &["apply", "--auto-approve", "--dir", "provider", "--world", w]));
    let name = plcli(d.path(), &["output", "--raw", "service_name", "--dir", "provider"]);
    ok(&name);
    let var = format!("service_name={}", name.stdout);
    ok(&plcli(d.path(), &["apply", "--auto-approve", "--dir", "consumer", "--world", w, "--var", &var]));
    let again = plcli(d.path(), &["plan", "--detailed-exitcode", "--dir", "consumer", "--world", w, "--var", &var]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    // The provider cannot delete its service while the consumer's endpoint is connected.
    let destroy = plcli(d.path(), &["destroy", "--auto-approve", "--dir", "provider", "--world", w]);
    assert_eq!(destroy.code, 1, "{}", destroy.transcript());
    assert!(destroy.stderr.contains("ExistingVpcEndpointConnections"), "{}", destroy.stderr);
}

#[test]
fn changes_plan_the_actions_the_provider_would() {
    let d = example("payments");
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let service = d.path().join("service.tf");
    let text = std::fs::read_to_string(&service).unwrap();
    // A tag: in place. A listener port: in place. A subnet CIDR: replacement.
    let changed = text.replacen("Name = \"payments-provider\"", "Name = \"payments-provider-2\"", 1);
    assert_ne!(changed, text, "the example changed: update this test");
    std::fs::write(&service, changed).unwrap();
    let actions = changed_actions(d.path());
    assert_eq!(actions, vec![("aws_vpc.provider".to_string(), "update".to_string())]);
    // A listener port: in place, and the endpoint security group rule follows it.
    std::fs::write(
        &service,
        std::fs::read_to_string(&service).unwrap().replacen("Name = \"payments-provider-2\"", "Name = \"payments-provider\"", 1),
    )
    .unwrap();
    let vars = d.path().join("variables.tf");
    let vtext = std::fs::read_to_string(&vars).unwrap();
    assert!(vtext.contains("default     = 8443") || vtext.contains("default = 8443"), "the example's port changed: update this test");
    std::fs::write(&vars, vtext.replacen("8443", "9443", 1)).unwrap();
    let actions = changed_actions(d.path());
    assert!(actions.contains(&("aws_lb_listener.payments".to_string(), "update".to_string())), "{actions:?}");
    // A target group port forces a new target group (and its attachments).
    assert!(actions.contains(&("aws_lb_target_group.payments".to_string(), "delete,create".to_string())), "{actions:?}");
}

fn changed_actions(dir: &Path) -> Vec<(String, String)> {
    let plan = plcli(dir, &["plan", "--json"]);
    ok(&plan);
    let j: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    j["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"]["actions"] != serde_json::json!(["no-op"]) && c["change"]["actions"] != serde_json::json!(["read"]))
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["change"]["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect::<Vec<_>>().join(","),
            )
        })
        .collect()
}

#[test]
fn a_saved_plan_applies_once() {
    let d = example("payments");
    ok(&plcli(d.path(), &["plan", "--out", "tfplan"]));
    ok(&plcli(d.path(), &["apply", "tfplan"]));
    let second = plcli(d.path(), &["apply", "tfplan"]);
    assert_eq!(second.code, 1);
    assert!(second.stderr.contains("Saved plan is stale"), "{}", second.stderr);
}

#[test]
fn unreadable_state_and_world_are_never_overwritten() {
    let d = example("payments");
    for (file, content) in [
        ("plcli.state.json", "{\"version\": 4, \"serial\": 1,"),
        ("plcli.state.json", "{\"version\": 3, \"serial\": 1, \"lineage\": \"x\", \"resources\": []}"),
    ] {
        std::fs::write(d.path().join(file), content).unwrap();
        let r = plcli(d.path(), &["apply", "--auto-approve"]);
        assert_eq!(r.code, 1, "{}", r.transcript());
        assert!(r.stderr.contains("plcli.state.json"), "{}", r.stderr);
        assert_eq!(std::fs::read_to_string(d.path().join(file)).unwrap(), content);
    }
    std::fs::remove_file(d.path().join("plcli.state.json")).unwrap();
    std::fs::create_dir_all(d.path().join(".plcli")).unwrap();
    std::fs::write(d.path().join(".plcli/world.json"), "{\"version\": 1, \"seed\"").unwrap();
    let r = plcli(d.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("world.json"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(d.path().join(".plcli/world.json")).unwrap(), "{\"version\": 1, \"seed\"");
}

#[test]
fn a_held_lock_names_its_holder() {
    let d = example("payments");
    // A lock held by this (live) test process.
    std::fs::write(
        d.path().join("plcli.state.json.lock"),
        format!(
            "{{\"pid\": {}, \"host\": \"{}\", \"operation\": \"apply\", \"time\": 1}}",
            std::process::id(),
            std::fs::read_to_string("/etc/hostname").unwrap_or_default().trim()
        ),
    )
    .unwrap();
    let r = plcli(d.path(), &["plan"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(&format!("pid {}", std::process::id())), "{}", r.stderr);
}

#[test]
fn killing_apply_at_any_point_loses_nothing() {
    // The objects a clean apply creates.
    let clean = example("payments");
    ok(&plcli(clean.path(), &["apply", "--auto-approve"]));
    let want_world = world_objects(&clean.path().join(".plcli/world.json"));
    let want_state: Vec<String> = plcli(clean.path(), &["state", "list"]).stdout.lines().map(str::to_string).collect();
    for crash_after in [1, 2, 5, 9, 17, 24, 31] {
        let d = example("payments");
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_plcli"))
            .args(["apply", "--auto-approve", "--no-color"])
            .current_dir(d.path())
            .env("PLCLI_TEST_CRASH_AFTER", crash_after.to_string())
            .output()
            .unwrap();
        assert!(!r.status.success(), "apply did not crash at {crash_after}");
        // The apply had not taken effect (its operations happen in memory until it commits):
        // the next apply does everything, without duplicates.
        let again = plcli(d.path(), &["apply", "--auto-approve"]);
        assert_eq!(again.code, 0, "after a crash at {crash_after}:\n{}", again.transcript());
        assert_eq!(world_objects(&d.path().join(".plcli/world.json")), want_world, "world differs after a crash at {crash_after}");
        let state: Vec<String> = plcli(d.path(), &["state", "list"]).stdout.lines().map(str::to_string).collect();
        assert_eq!(state, want_state, "state differs after a crash at {crash_after}");
        let plan = plcli(d.path(), &["plan", "--detailed-exitcode"]);
        assert_eq!(plan.code, 0, "not converged after a crash at {crash_after}:\n{}", plan.transcript());
    }
}

#[test]
fn an_apply_killed_after_its_commit_record_is_finished_by_the_next_command() {
    let clean = example("payments");
    ok(&plcli(clean.path(), &["apply", "--auto-approve"]));
    let want_world = world_objects(&clean.path().join(".plcli/world.json"));
    let d = example("payments");
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_plcli"))
        .args(["apply", "--auto-approve", "--no-color"])
        .current_dir(d.path())
        .env("PLCLI_TEST_CRASH_AFTER", "commit")
        .output()
        .unwrap();
    assert!(!r.status.success(), "apply did not crash at its commit");
    assert!(d.path().join("plcli.state.json.journal").exists());
    // Committed: the next command (even a plan) replays the journal, and nothing is left to do.
    let plan = plcli(d.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stderr.contains("replayed"), "{}", plan.stderr);
    assert_eq!(world_objects(&d.path().join(".plcli/world.json")), want_world);
}

#[test]
fn a_refused_or_cancelled_apply_leaves_no_journal() {
    let d = example("payments");
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_plcli"))
        .args(["apply", "--no-color"])
        .current_dir(d.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!r.status.success());
    assert!(!d.path().join("plcli.state.json.journal").exists());
    assert!(!d.path().join("plcli.state.json").exists());
}

#[test]
fn plan_json_has_terraforms_shape() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )
    .unwrap();
    let r = plcli(d.path(), &["plan", "--json"]);
    ok(&r);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["prior_state"]["format_version"], "1.0");
    assert_eq!(j["prior_state"]["values"]["root_module"]["resources"], serde_json::json!([]));
    insta::assert_json_snapshot!(j["resource_changes"]);
}

/// Terraform's own plan of `terraform_data` configurations is the reference: actions, known
/// planned values and unknown attributes must match (skipped when terraform is absent).
#[test]
fn terraform_data_plans_match_terraform() {
    let has_tf = std::process::Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !has_tf {
        eprintln!("skipped: terraform is not on PATH");
        return;
    }
    let v1 = "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n\nresource \"terraform_data\" \"b\" {\n  input            = terraform_data.a.output\n  triggers_replace = [1, 2]\n}\n\nresource \"terraform_data\" \"c\" {\n  count = 2\n  input = { n = count.index, s = \"k\" }\n}\n";
    let v2 = v1.replace("input = \"x\"", "input = \"y\"").replace("[1, 2]", "[1, 3]");
    let tf = tempfile::tempdir().unwrap();
    let pl = tempfile::tempdir().unwrap();
    let terraform = |args: &[&str]| {
        std::process::Command::new("terraform")
            .args(args)
            .current_dir(tf.path())
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .unwrap()
    };
    let summarize = |j: &serde_json::Value| -> Vec<(String, serde_json::Value, serde_json::Value, Vec<String>)> {
        let mut v: Vec<_> = j["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let unknown: Vec<String> = c["change"]["after_unknown"]
                    .as_object()
                    .map(|o| o.iter().filter(|(_, v)| **v == serde_json::Value::Bool(true)).map(|(k, _)| k.clone()).collect())
                    .unwrap_or_default();
                let mut after = c["change"]["after"].clone();
                // Terraform writes unset optional attributes as null; plcli may omit them.
                if let Some(o) = after.as_object_mut() {
                    o.retain(|k, v| !v.is_null() && k != "id");
                }
                (c["address"].as_str().unwrap().to_string(), c["change"]["actions"].clone(), after, unknown)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    for (round, cfg) in [v1.to_string(), v2].iter().enumerate() {
        std::fs::write(tf.path().join("main.tf"), cfg).unwrap();
        std::fs::write(pl.path().join("main.tf"), cfg).unwrap();
        assert!(terraform(&["init", "-input=false"]).status.success());
        assert!(terraform(&["plan", "-input=false", "-out=p"]).status.success());
        let tf_json: serde_json::Value = serde_json::from_slice(&terraform(&["show", "-json", "p"]).stdout).unwrap();
        let ours = plcli(pl.path(), &["plan", "--json"]);
        ok(&ours);
        let pl_json: serde_json::Value = serde_json::from_str(&ours.stdout).unwrap();
        assert_eq!(summarize(&pl_json), summarize(&tf_json), "round {round}");
        assert!(terraform(&["apply", "-input=false", "p"]).status.success());
        ok(&plcli(pl.path(), &["apply", "--auto-approve"]));
    }
}

#[test]
fn an_apply_that_only_deletes_is_predicted_and_carried_out() {
    // The prediction runs beside the plan's walk and starts at the first change; a plan whose
    // only changes are deletions starts it when the plan is complete.
    let d = example("payments");
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let consumer = d.path().join("consumer.tf");
    let text = std::fs::read_to_string(&consumer).unwrap();
    let start = text.find("resource \"aws_vpc_security_group_egress_rule\" \"app_to_endpoint\"").expect("the example changed");
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    std::fs::write(&consumer, format!("{}{}", &text[..start], &text[end..])).unwrap();
    assert_eq!(changed_actions(d.path()), vec![("aws_vpc_security_group_egress_rule.app_to_endpoint".to_string(), "delete".to_string())]);
    let apply = plcli(d.path(), &["apply", "--auto-approve"]);
    ok(&apply);
    assert!(apply.stdout.contains("Resources: 0 added, 0 changed, 1 destroyed."), "{}", apply.stdout);
    let state = std::fs::read_to_string(d.path().join("plcli.state.json")).unwrap();
    assert!(!state.contains("app_to_endpoint"));
    assert_eq!(plcli(d.path(), &["plan", "--detailed-exitcode"]).code, 0);
}

#[test]
fn a_refusal_the_prediction_foresees_fails_the_plan_at_its_attribute() {
    let d = example("payments");
    let service = d.path().join("endpoint_service.tf");
    let text = std::fs::read_to_string(&service).unwrap();
    let changed =
        text.replacen("principal_arn           = var.consumer_role_arn", "principal_arn           = \"${var.consumer_role_arn}-other\"", 1);
    assert_ne!(changed, text, "the example changed: update this test");
    std::fs::write(&service, changed).unwrap();
    let plan = plcli(d.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("predicted_api_error") && plan.stderr.contains("InvalidServiceName"), "{}", plan.stderr);
    assert!(plan.stderr.contains("consumer.tf"), "{}", plan.stderr);
    let apply = plcli(d.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(!d.path().join("plcli.state.json").exists());
    assert!(!d.path().join(".plcli/world.json").exists() || world_objects(&d.path().join(".plcli/world.json")).is_empty());
}
