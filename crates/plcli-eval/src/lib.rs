//! plcli-eval: binds HCL syntax (from `plcli-syntax`) to values (from `plcli-lang`).
//!
//! Owns expression evaluation ([`Evaluator`]), the parsing of references
//! (`var.x`, `aws_vpc.main`, `data.aws_region.current`, `each.key`, ...) into [`Subject`]s,
//! finding every reference in an expression ([`references`]) for the dependency graph, and
//! type constraint expressions ([`parse_type`]).
//!
//! Invariants: it never decides what a reference *means*: a [`Scope`] supplied by the caller
//! answers lookups, so the same evaluator serves validate (resources unknown), plan (planned
//! values) and lint. Errors are [`Diagnostic`]s pointing at the offending span. Recursion is
//! bounded by the syntax stage's nesting limit, so it never overflows the stack.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod eval;
mod refs;
mod typexpr;

pub use eval::{Evaluator, NoScope, Scope};
pub use refs::{references, references_with_bound, subject_of, Reference, ResourceMode, Subject};
pub use typexpr::parse_type;

use plcli_syntax::{FileId, Span};

/// The span of any hcl-edit item, in `file`.
pub fn span_of<T: plcli_syntax::ast::Span>(file: FileId, item: &T) -> Span {
    Span::from_opt(file, item.span())
}

/// The closest candidate to `name` (for "did you mean" help), if any is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score > 0.8 && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}
