//! Output formats: `text` (miette snippets), `compact` (one line per finding), `json`
//! (SPEC §7's shape) and `sarif` (SARIF 2.1.0 for code scanning).

use serde_json::{json, Value as Json};

use plcli_syntax::{Diagnostic, SourceMap};

use crate::finding::{Report, Severity};
use crate::rules::{RuleInfo, RULES};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Compact,
    Json,
    Sarif,
}

fn diag_severity(s: Severity) -> plcli_syntax::Severity {
    match s {
        Severity::Error => plcli_syntax::Severity::Error,
        Severity::Warning => plcli_syntax::Severity::Warning,
        Severity::Notice => plcli_syntax::Severity::Notice,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing line of text output.
pub fn summary_line(report: &Report) -> String {
    let s = report.summary();
    let total = s.error + s.warning + s.notice;
    let suppressed = if s.suppressed > 0 { format!(" ({} suppressed)", s.suppressed) } else { String::new() };
    if total == 0 {
        return format!("No findings{suppressed}.");
    }
    format!(
        "Found {}: {}, {}, {}{suppressed}.",
        plural(total, "finding", "findings"),
        plural(s.error, "error", "errors"),
        plural(s.warning, "warning", "warnings"),
        plural(s.notice, "notice", "notices")
    )
}

/// Each finding as a miette diagnostic (code `PLnnn`, the span underlined, the fix as help),
/// then the summary line.
pub fn text(report: &Report, sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let mut d = Diagnostic::error(f.rule.id, f.message.clone())
            .with_span(f.span)
            .with_label(f.rule.name)
            .with_help(f.fix.clone())
            .with_detail(format!("resource: {}", f.resource));
        d.severity = diag_severity(f.severity);
        for (span, msg) in &f.related {
            if *span != f.span {
                d = d.with_related(*span, msg.clone());
            }
        }
        out.push_str(&d.render(sources, color));
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// `file:line:col: severity PLnnn message`, one line per finding.
pub fn compact(report: &Report, sources: &SourceMap) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let l = f.location(sources);
        out.push_str(&format!("{}:{}:{}: {} {} {}\n", l.file, l.line, l.column, f.severity, f.rule.id, f.message));
    }
    out
}

/// SPEC §7's JSON: `{"findings": [...], "summary": {...}}`.
pub fn json(report: &Report, sources: &SourceMap) -> Json {
    let findings: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            let l = f.location(sources);
            json!({
                "rule_id": f.rule.id,
                "rule": f.rule.name,
                "severity": f.severity.as_str(),
                "message": f.message,
                "file": l.file,
                "line": l.line,
                "column": l.column,
                "resource": f.resource,
                "fix": f.fix,
            })
        })
        .collect();
    let s = report.summary();
    json!({
        "findings": findings,
        "summary": {"error": s.error, "warning": s.warning, "notice": s.notice, "suppressed": s.suppressed},
    })
}

/// How SARIF output names files and rule documentation.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// Prepended to each file name (relative to the root) to make it relative to where code
    /// scanning resolves paths (the repository checkout), e.g. `infra/payments/`.
    pub path_prefix: String,
    /// When set, each rule's `helpUri` is this base followed by `PLnnn.md` (e.g.
    /// `https://github.com/ORG/plcli/blob/main/docs/lint-rules/`).
    pub help_uri_base: Option<String>,
    /// The tool version reported in `tool.driver.version`.
    pub version: String,
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "note",
    }
}

/// Percent-encodes what may not appear in a URI reference's path.
fn uri_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn sarif_rule(info: &RuleInfo, opts: &SarifOptions) -> Json {
    let mut rule = json!({
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.summary},
        "help": {"text": info.doc_markdown(), "markdown": info.doc_markdown()},
        "defaultConfiguration": {"level": sarif_level(info.severity)},
        "properties": {"tags": ["privatelink", "terraform"], "precision": "high"},
    });
    if let Some(base) = &opts.help_uri_base {
        let sep = if base.ends_with('/') { "" } else { "/" };
        rule["helpUri"] = json!(format!("{base}{sep}{}.md", info.id));
    }
    rule
}

/// SARIF 2.1.0: the whole rule catalogue as `tool.driver.rules`, one result per finding
/// with its region.
pub fn sarif(report: &Report, sources: &SourceMap, opts: &SarifOptions) -> Json {
    let rules: Vec<Json> = RULES.iter().map(|r| sarif_rule(&r.info, opts)).collect();
    let results: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            let l = f.location(sources);
            let index = RULES.iter().position(|r| r.info.id == f.rule.id).unwrap_or(0);
            json!({
                "ruleId": f.rule.id,
                "ruleIndex": index,
                "level": sarif_level(f.severity),
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_path(&format!("{}{}", opts.path_prefix, l.file)), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": l.line, "startColumn": l.column, "endLine": l.end_line, "endColumn": l.end_column},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}],
                }],
                "properties": {"resource": f.resource, "fix": f.fix},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "plcli", "version": opts.version, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
