//! `plcli validate` agrees with `terraform validate` (with the real AWS provider) on the
//! examples and on broken variants of them. Skipped when terraform or the provider mirror
//! (/opt/tf-plugins) is absent.

mod common;

use std::path::{Path, PathBuf};

use common::{plcli, repo};

fn mirror() -> Option<PathBuf> {
    let m = PathBuf::from("/opt/tf-plugins");
    let tf = std::process::Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    (tf && m.join("registry.terraform.io/hashicorp/aws").is_dir()).then_some(m)
}

fn copy_tf(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        if p.is_dir() {
            copy_tf(&p, &to.join(&name));
        } else if !name.to_string_lossy().starts_with('.') {
            std::fs::copy(&p, to.join(&name)).unwrap();
        }
    }
}

/// terraform's verdict: Some(valid) or None when it could not run.
fn terraform_valid(dir: &Path, mirror: &Path) -> bool {
    let rc = dir.join(".tfrc");
    std::fs::write(&rc, format!("provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n", mirror.display()))
        .unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new("terraform")
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &rc)
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .unwrap()
    };
    let init = run(&["init", "-backend=false", "-input=false"]);
    if !init.status.success() {
        // A configuration terraform cannot even initialise is invalid to it.
        return false;
    }
    let out = run(&["validate", "-json"]);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    j["valid"].as_bool().unwrap_or(false)
}

#[test]
fn verdicts_match_terraform_validate() {
    let Some(mirror) = mirror() else {
        eprintln!("skipped: terraform or the AWS provider mirror is not available");
        return;
    };
    // (example, file, replace this, with this, expected valid)
    let cases: &[(&str, &str, &str, &str, bool)] = &[
        ("payments", "", "", "", true),
        ("fraud-scoring", "", "", "", true),
        ("split-roots/provider", "", "", "", true),
        ("split-roots/consumer", "", "", "", true),
        ("payments", "consumer.tf", "vpc_endpoint_type", "vpc_endpoint_typo", false),
        ("payments", "service.tf", "cidr_block", "cidr_blocks", false),
        ("payments", "consumer.tf", "aws_vpc.consumer.id", "aws_vpc.consumr.id", false),
        ("payments", "endpoint_service.tf", "acceptance_required        = true", "acceptance_required        = \"maybe\"", false),
        ("payments", "endpoint_service.tf", "  acceptance_required        = true\n", "", false),
        ("payments", "outputs.tf", "output \"", "output \"dup\" {\n  value = 1\n}\n\noutput \"dup\" {\n  value = 2\n}\n\noutput \"", false),
    ];
    for (ex, file, from, to, want) in cases {
        let d = tempfile::tempdir().unwrap();
        copy_tf(&repo().join("examples").join(ex), d.path());
        if !file.is_empty() {
            let p = d.path().join(file);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.contains(from), "{ex}/{file} no longer contains {from:?}: update this test");
            std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        }
        let ours = plcli(d.path(), &["validate"]).code == 0;
        let theirs = terraform_valid(d.path(), &mirror);
        assert_eq!(theirs, *want, "terraform's verdict on {ex} {file} {from:?} changed");
        assert_eq!(ours, theirs, "plcli and terraform disagree on {ex} with {file}: {from:?} -> {to:?}");
    }
}
