//! Which rules run and how severe they are: `.plcli-lint.hcl` in the root, then `--rule` /
//! `--skip` on the command line.
//!
//! ```hcl
//! rule "PL004" {
//!   severity = "error"       # error | warning | notice
//! }
//! rule "principal_account_root" {
//!   enabled = false
//! }
//! ```

use std::collections::{HashMap, HashSet};
use std::path::Path;

use plcli_eval::span_of;
use plcli_syntax::ast::Expression;
use plcli_syntax::ast::Structure;
use plcli_syntax::{Diagnostic, Diagnostics, FileId, SourceMap};

use crate::finding::Severity;
use crate::rules::{rule, RuleInfo, RULES};

/// The file name looked for in the root directory.
pub const SETTINGS_FILE: &str = ".plcli-lint.hcl";

/// Rule selection and severities.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--rule`: when not empty, only these rules run (even if the file disables them).
    pub select: Vec<&'static RuleInfo>,
    /// `--skip`: these never run.
    pub skip: Vec<&'static RuleInfo>,
    /// Per-rule severity from the file, by rule ID.
    pub severity: HashMap<&'static str, Severity>,
    /// Rules the file disables, by rule ID.
    pub disabled: HashSet<&'static str>,
}

impl Settings {
    /// Reads `.plcli-lint.hcl` from `root_dir` when there is one.
    pub fn load(root_dir: &Path, sources: &mut SourceMap) -> Result<Settings, Diagnostics> {
        let path = root_dir.join(SETTINGS_FILE);
        if !path.is_file() {
            return Ok(Settings::default());
        }
        let (file, body) = plcli_syntax::parse_file(&path, SETTINGS_FILE, sources)?;
        let mut settings = Settings::default();
        let mut diags = Diagnostics::new();
        for s in body.iter() {
            match s {
                Structure::Block(b) if b.ident.as_str() == "rule" && b.labels.len() == 1 => {
                    let label = b.labels[0].as_str();
                    let Some(info) = rule(label) else {
                        diags.push(unknown_rule(label).with_span(span_of(file, &b.labels[0])));
                        continue;
                    };
                    settings.read_rule(file, info, &b.body, &mut diags);
                }
                Structure::Block(b) if b.ident.as_str() == "rule" => diags.push(
                    Diagnostic::error("invalid_block_labels", "A rule block needs one label: the rule's ID or name")
                        .with_span(span_of(file, &b.ident))
                        .with_help("write rule \"PL004\" { ... }"),
                ),
                Structure::Block(b) => diags.push(
                    Diagnostic::error(
                        "unsupported_block_type",
                        format!("Unsupported block type \"{}\" in {SETTINGS_FILE}", b.ident.as_str()),
                    )
                    .with_span(span_of(file, &b.ident))
                    .with_detail(format!("{SETTINGS_FILE} contains only rule \"ID\" {{ severity = ..., enabled = ... }} blocks.")),
                ),
                Structure::Attribute(a) => diags.push(
                    Diagnostic::error("unsupported_argument", format!("Unsupported argument \"{}\" in {SETTINGS_FILE}", a.key.as_str()))
                        .with_span(span_of(file, &a.key))
                        .with_detail(format!("{SETTINGS_FILE} contains only rule \"ID\" {{ ... }} blocks.")),
                ),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(settings)
        }
    }

    fn read_rule(&mut self, file: FileId, info: &'static RuleInfo, body: &plcli_syntax::ast::Body, diags: &mut Diagnostics) {
        for s in body.iter() {
            let Structure::Attribute(a) = s else {
                if let Structure::Block(b) = s {
                    diags.push(
                        Diagnostic::error("unsupported_block_type", "Blocks are not allowed in a rule block")
                            .with_span(span_of(file, &b.ident)),
                    );
                }
                continue;
            };
            let value_span = span_of(file, &a.value);
            match (a.key.as_str(), &a.value) {
                ("severity", Expression::String(s)) => match Severity::parse(s.as_str()) {
                    Some(sev) => {
                        self.severity.insert(info.id, sev);
                    }
                    None => diags.push(
                        Diagnostic::error("invalid_severity", format!("Invalid severity \"{}\"", s.as_str()))
                            .with_span(value_span)
                            .with_help("use \"error\", \"warning\" or \"notice\""),
                    ),
                },
                ("enabled", Expression::Bool(b)) => {
                    if **b {
                        self.disabled.remove(info.id);
                    } else {
                        self.disabled.insert(info.id);
                    }
                }
                ("severity" | "enabled", _) => diags.push(
                    Diagnostic::error("invalid_literal", format!("Invalid value for \"{}\"", a.key.as_str()))
                        .with_span(value_span)
                        .with_detail("severity takes a literal string (\"error\", \"warning\", \"notice\"); enabled takes true or false."),
                ),
                (other, _) => diags.push(
                    Diagnostic::error("unsupported_argument", format!("Unsupported argument \"{other}\" in a rule block"))
                        .with_span(span_of(file, &a.key))
                        .with_help("a rule block takes severity and enabled"),
                ),
            }
        }
    }

    /// Whether `rule` runs.
    pub fn enabled(&self, info: &RuleInfo) -> bool {
        let chosen = if self.select.is_empty() { !self.disabled.contains(info.id) } else { self.select.iter().any(|r| r.id == info.id) };
        chosen && !self.skip.iter().any(|r| r.id == info.id)
    }

    /// The severity `rule`'s findings get.
    pub fn severity(&self, info: &RuleInfo) -> Severity {
        self.severity.get(info.id).copied().unwrap_or(info.severity)
    }
}

/// The diagnostic for a rule ID or name that does not exist.
pub fn unknown_rule(name: &str) -> Diagnostic {
    let mut d = Diagnostic::error("unknown_rule", format!("Unknown lint rule \"{name}\""))
        .with_detail("Rules are named by ID (PL004) or by name (nlb_cross_zone_disabled).");
    let candidates = RULES.iter().flat_map(|r| [r.info.id, r.info.name]);
    if let Some(s) = plcli_eval::did_you_mean(name, candidates) {
        d = d.with_help(format!("did you mean `{s}`?"));
    } else {
        d = d.with_help("`plcli lint --explain ID` describes a rule; docs/lint-rules/ lists them all");
    }
    d
}
