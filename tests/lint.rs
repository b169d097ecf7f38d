//! `plcli lint` end to end: the examples, output formats (snapshots), SARIF against the
//! SARIF 2.1.0 schema, suppression, rule selection, `.plcli-lint.hcl`, `--min-severity` and
//! exit codes.

mod common;

use common::{plcli, repo, root, Run};
use serde_json::Value;

const PROVIDERS: &str = include_str!("../crates/plcli-lint/tests/fixtures/base/providers.tf");
const SERVICE: &str = include_str!("../crates/plcli-lint/tests/fixtures/base/service.tf");
const CONSUMER: &str = include_str!("../crates/plcli-lint/tests/fixtures/base/consumer.tf");

/// The lint crate's clean base topology with `(file, from, to)` replacements and extra files.
fn topology(changes: &[(&str, &str, &str)], extra: &[(&str, &str)]) -> tempfile::TempDir {
    let mut files = [("providers.tf", PROVIDERS.to_string()), ("service.tf", SERVICE.to_string()), ("consumer.tf", CONSUMER.to_string())];
    for (file, from, to) in changes {
        let f = files.iter_mut().find(|(n, _)| n == file).expect("file");
        assert!(f.1.contains(from), "{file} lacks {from:?}");
        f.1 = f.1.replacen(from, to, 1);
    }
    let mut all: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    all.extend_from_slice(extra);
    root(&all)
}

/// Three findings: cross-zone off (warning), an internet-facing NLB (warning), and an
/// endpoint whose security group admits the wrong port (error).
fn sample() -> tempfile::TempDir {
    topology(
        &[
            ("service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false"),
            ("service.tf", "internal                         = true", "internal                         = false"),
            ("consumer.tf", "from_port   = 8443\n    to_port     = 8443", "from_port   = 443\n    to_port     = 443"),
        ],
        &[],
    )
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.transcript()))
}

fn rule_ids(v: &Value) -> Vec<String> {
    v["findings"].as_array().expect("findings").iter().map(|f| f["rule_id"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn examples_lint_as_their_readmes_say() {
    for ex in ["payments", "fraud-scoring", "split-roots/consumer"] {
        let run = plcli(repo(), &["lint", "--dir", &format!("examples/{ex}"), "--format", "json"]);
        assert_eq!(run.code, 0, "{ex}:\n{}", run.transcript());
        let v = json_of(&run);
        assert_eq!(v["findings"], serde_json::json!([]), "{ex}: {}", run.stdout);
        assert_eq!(v["summary"]["suppressed"], 0, "{ex}");
    }
    // split-roots/provider: one PL002 notice on purpose, PL004 suppressed in the file.
    let run = plcli(repo(), &["lint", "--dir", "examples/split-roots/provider", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let v = json_of(&run);
    assert_eq!(rule_ids(&v), vec!["PL002"]);
    assert_eq!(v["findings"][0]["severity"], "notice");
    assert_eq!(v["findings"][0]["file"], "endpoint_service.tf");
    assert_eq!(v["findings"][0]["resource"], "aws_vpc_endpoint_service_allowed_principal.consumer[\"987654321098\"]");
    assert_eq!(v["summary"], serde_json::json!({"error": 0, "warning": 0, "notice": 1, "suppressed": 1}));
    // ... and the notice fails a run that asks for notices.
    let strict = plcli(repo(), &["lint", "--dir", "examples/split-roots/provider", "--min-severity", "notice", "--format", "compact"]);
    assert_eq!(strict.code, 2, "{}", strict.transcript());
}

#[test]
fn text_output() {
    let dir = sample();
    let run = plcli(dir.path(), &["lint"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn compact_output() {
    let dir = sample();
    let run = plcli(dir.path(), &["lint", "--format", "compact"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn json_output_has_the_spec_shape() {
    let dir = sample();
    let run = plcli(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(run.code, 2);
    let v = json_of(&run);
    for f in v["findings"].as_array().expect("findings") {
        let keys: Vec<&str> = f.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, ["rule_id", "rule", "severity", "message", "file", "line", "column", "resource", "fix"]);
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    // The published schema's `run.language` pattern has a stray `]` that strict regex
    // engines reject (a known erratum of the SARIF schema); the fixed pattern means what the
    // specification says (a language tag such as `en` or `en-US`). Nothing else is changed.
    let text = include_str!("data/sarif-schema-2.1.0.json")
        .replace(r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).expect("schema");
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles");
    let dir = sample();
    for extra in [&[][..], &["--help-uri-base", "https://example.com/plcli/docs/lint-rules/"][..]] {
        let mut args = vec!["lint", "--format", "sarif"];
        args.extend_from_slice(extra);
        let run = plcli(dir.path(), &args);
        assert_eq!(run.code, 2, "{}", run.transcript());
        let v = json_of(&run);
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");
        let run0 = &v["runs"][0];
        let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), plcli_lint::RULES.len());
        let results = run0["results"].as_array().expect("results");
        assert_eq!(results.len(), 3);
        for r in results {
            let i = r["ruleIndex"].as_u64().expect("index") as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        let pl007 = results.iter().find(|r| r["ruleId"] == "PL007").expect("PL007");
        assert_eq!(pl007["level"], "error");
        let loc = &pl007["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "consumer.tf");
        assert_eq!(loc["region"]["startLine"], 36);
        assert_eq!(loc["region"]["startColumn"], 3);
        assert_eq!(loc["region"]["endColumn"], 57);
        if extra.is_empty() {
            assert!(rules[2].get("helpUri").is_none());
        } else {
            assert_eq!(rules[2]["helpUri"], "https://example.com/plcli/docs/lint-rules/PL003.md");
        }
        assert!(rules[2]["help"]["markdown"].as_str().unwrap_or("").contains("## Why it matters"));
    }
    // Paths are relative to the working directory, where code scanning resolves them.
    let run = plcli(repo(), &["lint", "--dir", "examples/split-roots/provider", "--format", "sarif", "--min-severity", "error"]);
    let v = json_of(&run);
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "examples/split-roots/provider/endpoint_service.tf"
    );
    assert_eq!(v["runs"][0]["results"][0]["level"], "note");
    assert!(validator.iter_errors(&v).next().is_none());
}

#[test]
fn inline_suppression_by_id_name_and_list() {
    let cases = [
        ("  # plcli-ignore: PL004\n  enable_cross_zone_load_balancing = false", "above the attribute, by ID"),
        (
            "  # zonal isolation, on purpose\n  # plcli-ignore: PL006, nlb_cross_zone_disabled\n  enable_cross_zone_load_balancing = false",
            "by name, in a list, under another comment",
        ),
    ];
    for (text, what) in cases {
        let dir = topology(&[("service.tf", "  enable_cross_zone_load_balancing = true", text)], &[]);
        let run = plcli(dir.path(), &["lint", "--format", "json"]);
        assert_eq!(run.code, 0, "{what}: {}", run.transcript());
        assert_eq!(json_of(&run)["summary"], serde_json::json!({"error": 0, "warning": 0, "notice": 0, "suppressed": 1}), "{what}");
    }
    // Above the resource's block header.
    let dir = topology(
        &[
            ("service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false"),
            ("service.tf", "resource \"aws_lb\" \"api\" {", "// plcli-ignore: PL004\nresource \"aws_lb\" \"api\" {"),
        ],
        &[],
    );
    let run = plcli(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(json_of(&run)["summary"]["suppressed"], 1, "{}", run.transcript());
    // Another rule's ID does not suppress it; a blank line ends the comment block.
    for text in [
        "  # plcli-ignore: PL006\n  enable_cross_zone_load_balancing = false",
        "  # plcli-ignore: PL004\n\n  enable_cross_zone_load_balancing = false",
    ] {
        let dir = topology(&[("service.tf", "  enable_cross_zone_load_balancing = true", text)], &[]);
        let run = plcli(dir.path(), &["lint", "--format", "compact"]);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(run.stdout.contains("warning PL004"), "{}", run.stdout);
    }
}

#[test]
fn rule_and_skip_select_rules_by_id_or_name() {
    let dir = sample();
    let only = plcli(dir.path(), &["lint", "--format", "json", "--rule", "PL007", "--rule", "nlb_not_internal"]);
    assert_eq!(rule_ids(&json_of(&only)), vec!["PL007", "PL006"], "consumer.tf comes before service.tf");
    let skipped = plcli(dir.path(), &["lint", "--format", "json", "--skip", "endpoint_sg_blocks_listener", "--skip", "pl006"]);
    assert_eq!(rule_ids(&json_of(&skipped)), vec!["PL004"]);
    assert_eq!(skipped.code, 2);
    let none = plcli(dir.path(), &["lint", "--format", "json", "--skip", "PL004", "--skip", "PL006", "--skip", "PL007"]);
    assert_eq!(none.code, 0, "{}", none.transcript());
    let unknown = plcli(dir.path(), &["lint", "--rule", "PL999", "--skip", "nlb_cross_zone"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("Unknown lint rule \"PL999\""), "{}", unknown.stderr);
    assert!(unknown.stderr.contains("did you mean `nlb_cross_zone_disabled`?"), "{}", unknown.stderr);
}

#[test]
fn settings_file_sets_severity_and_enablement() {
    let settings = "rule \"PL004\" {\n  severity = \"error\"\n}\n\nrule \"nlb_not_internal\" {\n  enabled = false\n}\n";
    let dir = topology(
        &[
            ("service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false"),
            ("service.tf", "internal                         = true", "internal                         = false"),
        ],
        &[(".plcli-lint.hcl", settings)],
    );
    let run = plcli(dir.path(), &["lint", "--format", "json", "--min-severity", "error"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    let v = json_of(&run);
    assert_eq!(rule_ids(&v), vec!["PL004"]);
    assert_eq!(v["findings"][0]["severity"], "error");
    // --rule runs a rule the file disables.
    let forced = plcli(dir.path(), &["lint", "--format", "json", "--rule", "PL006"]);
    assert_eq!(rule_ids(&json_of(&forced)), vec!["PL006"]);
    // A bad settings file is an error with its location, not a finding.
    let bad = topology(&[], &[(".plcli-lint.hcl", "rule \"PL004\" {\n  severity = \"fatal\"\n}\n\nrule \"PL404\" {}\n")]);
    let run = plcli(bad.path(), &["lint"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains(".plcli-lint.hcl:2:14"), "{}", run.stderr);
    assert!(run.stderr.contains("Invalid severity \"fatal\""), "{}", run.stderr);
    assert!(run.stderr.contains("Unknown lint rule \"PL404\""), "{}", run.stderr);
}

#[test]
fn min_severity_decides_the_exit_code() {
    // Only warnings.
    let dir = topology(&[("service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false")], &[]);
    assert_eq!(plcli(dir.path(), &["lint", "--format", "compact"]).code, 2);
    assert_eq!(plcli(dir.path(), &["lint", "--format", "compact", "--min-severity", "warning"]).code, 2);
    let run = plcli(dir.path(), &["lint", "--format", "compact", "--min-severity", "error"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("warning PL004"), "findings below the threshold are still shown");
    // Clean.
    let clean = topology(&[], &[]);
    let run = plcli(clean.path(), &["lint", "--min-severity", "notice"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "No findings.\n");
}

#[test]
fn invalid_configuration_is_an_error_not_a_finding() {
    let dir = topology(&[("consumer.tf", "vpc_id              = aws_vpc.app.id", "vpc_id              = aws_vpc.missing.id")], &[]);
    let run = plcli(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("Reference to undeclared resource"), "{}", run.stderr);
    assert!(run.stderr.contains("consumer.tf:32:25"), "{}", run.stderr);
    let missing = plcli(dir.path(), &["lint", "--dir", "no-such-dir"]);
    assert_eq!(missing.code, 1);
}

#[test]
fn explain_prints_the_rule_documentation() {
    let dir = root(&[]);
    let run = plcli(dir.path(), &["lint", "--explain", "PL003"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("# PL003: endpoint_az_not_served\n"), "{}", run.stdout);
    for section in ["## What it does", "## Why it matters", "## Example", "## Fix"] {
        assert!(run.stdout.contains(section), "{section}");
    }
    let by_name = plcli(dir.path(), &["lint", "--explain", "endpoint_principal_race"]);
    assert!(by_name.stdout.starts_with("# PL017"), "{}", by_name.stdout);
    let unknown = plcli(dir.path(), &["lint", "--explain", "PL000"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("Unknown lint rule"), "{}", unknown.stderr);
}

#[test]
fn committed_docs_page_matches_explain() {
    let run = plcli(repo(), &["lint", "--explain", "PL009"]);
    let page = std::fs::read_to_string(repo().join("docs/lint-rules/PL009.md")).expect("page");
    assert!(page.ends_with(&run.stdout), "docs/lint-rules/PL009.md differs from --explain PL009");
}
