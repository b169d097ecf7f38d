//! Findings and the report of a run.

use std::fmt;

use plcli_syntax::{SourceMap, Span};

use crate::rules::RuleInfo;

/// How much a finding matters, most severe last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Notice,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }

    /// `error`, `warning` or `notice`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "notice" => Some(Severity::Notice),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem a rule found, at the attribute (or block) that causes it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    /// The effective severity (the rule's default, or `.plcli-lint.hcl`'s).
    pub severity: Severity,
    pub message: String,
    /// The address of the resource instance the finding is about.
    pub resource: String,
    pub span: Span,
    /// One line saying how to fix it.
    pub fix: String,
    /// Other places worth showing (the other side of the connection).
    pub related: Vec<(Span, String)>,
}

/// Where a finding points: file relative to the root, 1-based line and column, and where
/// its span ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Finding {
    pub fn location(&self, sources: &SourceMap) -> Location {
        match sources.try_get(self.span.file) {
            Some(f) => {
                let s = f.pos(self.span.start);
                let e = f.pos(self.span.end.max(self.span.start));
                Location {
                    file: f.name.clone(),
                    line: s.line,
                    column: s.column,
                    end_line: e.line,
                    end_column: e.column.max(if e.line == s.line { s.column + 1 } else { 1 }),
                }
            }
            None => Location { file: String::new(), line: 1, column: 1, end_line: 1, end_column: 2 },
        }
    }
}

/// Counts by severity, and how many findings inline comments suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub notice: usize,
    pub suppressed: usize,
}

/// The findings of a run, sorted by file, position and rule.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            notice: count(Severity::Notice),
            suppressed: self.suppressed,
        }
    }

    /// Whether any finding is at or above `min`.
    pub fn fails(&self, min: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= min)
    }
}
