//! Where an argument or block of a resource is written.

use plcli_config::Resource;
use plcli_eval::span_of;
use plcli_syntax::ast::Structure;
use plcli_syntax::{SourceMap, Span};

/// The span of the argument or block `name` in a resource's body: `name = value` when it
/// fits on one line (else just `name`), or a block's type (`dynamic "name"` included).
pub(crate) fn member_span(res: &Resource, name: &str, sources: &SourceMap) -> Option<Span> {
    for s in res.body.iter() {
        match s {
            Structure::Attribute(a) if a.key.as_str() == name => {
                let key = span_of(res.file, &a.key);
                let value = span_of(res.file, &a.value);
                let whole = key.to(value);
                let one_line = sources.try_get(res.file).is_some_and(|f| f.pos(whole.start).line == f.pos(whole.end).line);
                return Some(if one_line && value.end > value.start { whole } else { key });
            }
            Structure::Block(b) if b.ident.as_str() == name => return Some(span_of(res.file, &b.ident)),
            Structure::Block(b) if b.ident.as_str() == "dynamic" && b.labels.first().is_some_and(|l| l.as_str() == name) => {
                let ident = span_of(res.file, &b.ident);
                return Some(b.labels.first().map_or(ident, |l| ident.to(span_of(res.file, l))));
            }
            _ => {}
        }
    }
    None
}
