//! `plcli fmt` end to end (the formatter's byte-exactness is tested in plcli-fmt).

mod common;

use common::{plcli, repo, root};

#[test]
fn check_lists_files_and_exits_2_with_a_diff() {
    let dir = root(&[
        ("main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  enable_dns_support=true\n}\n"),
        ("ok.tf", "locals {\n  a = 1\n}\n"),
    ]);
    let run = plcli(dir.path(), &["fmt", "--check", "--diff"]);
    insta::assert_snapshot!(run.transcript().replace(&dir.path().display().to_string(), "<root>"));
    // --check never writes.
    assert!(std::fs::read_to_string(dir.path().join("main.tf")).unwrap().contains("enable_dns_support=true"));
}

#[test]
fn rewrites_in_place_and_is_idempotent() {
    let dir = root(&[("main.tf", "variable \"x\" {\n  type = \"string\"\n}\nlocals {\n  a = 1\n  bbb = \"${var.x}\"\n}\n")]);
    let first = plcli(dir.path(), &["fmt"]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    let text = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    assert_eq!(text, "variable \"x\" {\n  type = string\n}\nlocals {\n  a   = 1\n  bbb = var.x\n}\n");
    let second = plcli(dir.path(), &["fmt", "--check"]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    assert_eq!(second.stdout, "");
}

#[test]
fn syntax_errors_are_diagnostics_and_leave_the_file_alone() {
    let dir = root(&[("main.tf", "resource \"a\" \"b\" {\n  x = [1,\n")]);
    let run = plcli(dir.path(), &["fmt"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("main.tf:"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("main.tf")).unwrap(), "resource \"a\" \"b\" {\n  x = [1,\n");
}

#[test]
fn examples_are_formatted() {
    for ex in [
        "examples/payments",
        "examples/fraud-scoring",
        "examples/fraud-scoring/modules/consumer",
        "examples/split-roots/provider",
        "examples/split-roots/consumer",
    ] {
        let run = plcli(repo(), &["fmt", "--check", ex]);
        assert_eq!(run.code, 0, "{ex} is not formatted:\n{}", run.transcript());
    }
}
