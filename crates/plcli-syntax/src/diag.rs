use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde_json::{json, Value as Json};

use crate::source::{SourceMap, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Advice that needs no action (lint notices); rendered as miette's advice.
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
}

/// A secondary location shown with a diagnostic ("first set here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in the user's input, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier, e.g. `unsupported_attribute`.
    pub code: &'static str,
    /// One line, like Terraform's `summary`.
    pub summary: String,
    /// Longer explanation, like Terraform's `detail`.
    pub detail: Option<String>,
    pub span: Option<Span>,
    /// Text under the primary span.
    pub label: Option<String>,
    pub help: Option<String>,
    pub related: Vec<Label>,
}

impl Diagnostic {
    pub fn error(code: &'static str, summary: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            summary: summary.into(),
            detail: None,
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, summary: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, summary) }
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label { span, message: message.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders like rustc/miette: severity, code, message, `file:line:col`, the source line
    /// with the span underlined, and the help line.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
        let report = MietteView::new(self, sources);
        let mut out = String::new();
        if handler.render_report(&mut out, &report).is_err() {
            out = format!("{}: {}\n", self.severity.as_str(), self.summary);
        }
        out
    }

    /// Terraform's diagnostic JSON shape (`terraform validate -json`), plus `code`.
    pub fn to_json(&self, sources: &SourceMap) -> Json {
        let mut obj = json!({
            "severity": self.severity.as_str(),
            "code": self.code,
            "summary": self.summary,
            "detail": self.detail.clone().unwrap_or_default(),
        });
        if let Some(span) = self.span {
            if let Some(range) = range_json(sources, span) {
                obj["range"] = range;
            }
        }
        if let Some(help) = &self.help {
            obj["help"] = json!(help);
        }
        obj
    }
}

fn range_json(sources: &SourceMap, span: Span) -> Option<Json> {
    let file = sources.try_get(span.file)?;
    let s = file.pos(span.start);
    let e = file.pos(span.end);
    Some(json!({
        "filename": file.name,
        "start": {"line": s.line, "column": s.column, "byte": s.byte},
        "end": {"line": e.line, "column": e.column, "byte": e.byte},
    }))
}

/// A list of diagnostics, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Warning).count()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
    /// Sorted by file, then position, errors before warnings at the same place; duplicates
    /// (same code, message and place) dropped.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| {
            let ka = a.span.map(|s| (s.file, s.start));
            let kb = b.span.map(|s| (s.file, s.start));
            ka.cmp(&kb).then(b.severity.cmp(&a.severity))
        });
        self.0.dedup_by(|a, b| a.code == b.code && a.summary == b.summary && a.span == b.span);
        self
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Adapter that lets miette render a [`Diagnostic`] with its source.
struct MietteView {
    severity: Severity,
    code: &'static str,
    summary: String,
    help: Option<String>,
    source: Option<NamedSource<std::sync::Arc<String>>>,
    labels: Vec<LabeledSpan>,
}

impl MietteView {
    fn new(d: &Diagnostic, sources: &SourceMap) -> MietteView {
        let mut summary = d.summary.clone();
        if let Some(detail) = &d.detail {
            summary.push_str("\n\n");
            summary.push_str(detail);
        }
        let mut view = MietteView { severity: d.severity, code: d.code, summary, help: d.help.clone(), source: None, labels: Vec::new() };
        let Some(span) = d.span else { return view };
        let Some(file) = sources.try_get(span.file) else { return view };
        view.source = Some(NamedSource::new(file.name.clone(), file.text.clone()));
        // Related places in other files are named in the primary label (miette draws one
        // source per report).
        let mut label = d.label.clone();
        for rel in d.related.iter().filter(|r| r.span.file != span.file) {
            let text = format!("{} at {}", rel.message.trim_end_matches(" here"), sources.location(rel.span));
            label = Some(match label {
                Some(l) => format!("{l} ({text})"),
                None => text,
            });
        }
        view.labels.push(LabeledSpan::new_primary_with_span(label, to_source_span(span, &file.text)));
        for rel in d.related.iter().filter(|r| r.span.file == span.file) {
            view.labels.push(LabeledSpan::new_with_span(Some(rel.message.clone()), to_source_span(rel.span, &file.text)));
        }
        view
    }
}

fn to_source_span(span: Span, text: &str) -> SourceSpan {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    // An empty span still points somewhere: underline one character when there is one.
    let len = if end == start { text[start..].chars().next().map_or(0, char::len_utf8) } else { end - start };
    SourceSpan::new(start.into(), len)
}

impl fmt::Debug for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl fmt::Display for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl std::error::Error for MietteView {}

impl miette::Diagnostic for MietteView {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.code.is_empty() {
            None
        } else {
            Some(Box::new(format!("plcli::{}", self.code)))
        }
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Notice => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
