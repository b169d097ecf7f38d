//! plcli's expression results compared with Terraform's.
//!
//! `tests/data/functions.json` (at the repository root) holds expressions recorded from
//! `terraform console` by `tools/record-functions.py`: the jsonencode of each result, or the
//! error summary. Every case must match, except the deviations listed in
//! `tests/data/functions-known-deviations.txt`, each with the reason (mostly Terraform's
//! arbitrary-precision numbers). A deviation that starts matching fails the test too, so the
//! list stays true. When `terraform` is on PATH, `terraform_table_is_current` re-records the
//! table and compares.

use std::collections::BTreeMap;
use std::path::PathBuf;

use plcli_eval::{Evaluator, Scope, Subject};
use plcli_lang::Value;
use plcli_syntax::{Diagnostic, FileId, Span};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(name)
}

struct NoRefs;
impl Scope for NoRefs {
    fn lookup(&self, subject: &Subject, span: Span) -> Result<Value, Diagnostic> {
        match subject {
            Subject::PathModule | Subject::PathRoot => Ok(Value::string(".")),
            _ => Err(Diagnostic::error("test", "no references in oracle cases").with_span(span)),
        }
    }
}

/// Parses JSON keeping numbers comparable (as f64) and compares with a relative tolerance.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || ((x - y).abs() <= 1e-9 * x.abs().max(y.abs()))
        }
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (J::Object(x), J::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

fn outcome(expr: &str) -> Result<serde_json::Value, String> {
    let parsed = plcli_syntax::ast::parse_expr(expr).map_err(|e| format!("parse error: {}", e.message()))?;
    let v = Evaluator::new(FileId(0), &NoRefs).eval(&parsed).map_err(|d| d.summary)?;
    if !v.is_wholly_known() {
        return Err("unknown".into());
    }
    Ok(v.to_json())
}

#[test]
fn functions_match_terraform() {
    let table: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(data("functions.json")).unwrap()).unwrap();
    let known: BTreeMap<String, String> = std::fs::read_to_string(data("functions-known-deviations.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" ## ").map(|(e, why)| (e.to_string(), why.to_string())))
        .collect();
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    let cases = table["cases"].as_array().unwrap();
    for case in cases {
        let expr = case["expr"].as_str().unwrap();
        if case.get("unknown").is_some() || case.get("json_error").is_some() {
            continue;
        }
        let ours = outcome(expr);
        let ok = match (case.get("json").and_then(|j| j.as_str()), &ours) {
            (Some(json), Ok(v)) => same(&serde_json::from_str(json).unwrap_or(serde_json::Value::Null), v),
            (None, Err(_)) => case.get("error").is_some(),
            _ => false,
        };
        match (ok, known.contains_key(expr)) {
            (false, false) => failures.push(format!(
                "{expr}\n    terraform: {}\n    plcli:     {:?}",
                case.get("json").or(case.get("error")).unwrap(),
                ours
            )),
            (true, true) => fixed.push(expr.to_string()),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ from terraform:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(
        fixed.is_empty(),
        "these listed deviations now match terraform; remove them from functions-known-deviations.txt:\n{}",
        fixed.join("\n")
    );
}

#[test]
fn terraform_table_is_current() {
    let has_terraform = std::process::Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !has_terraform || std::env::var_os("PLCLI_ORACLE").is_none() {
        eprintln!("skipped: set PLCLI_ORACLE=1 with terraform on PATH to re-check tests/data/functions.json against terraform (takes about a minute)");
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/record-functions.py");
    let status = std::process::Command::new("python3").arg(script).arg("--check").status().expect("python3 runs");
    assert!(status.success(), "terraform's results differ from tests/data/functions.json");
}
