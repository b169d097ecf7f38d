//! Reports: for people and as SPEC §6's JSON.

use std::fmt::Write;

use serde_json::{json, Value as Json};

use crate::check::PathResult;

/// The readable report: one block per path with a hop table, and a summary line.
pub fn render_text(results: &[PathResult], color: bool) -> String {
    let mut text = String::new();
    render_text_to(results, color, &mut |chunk| text.push_str(chunk));
    text
}

/// [`render_text`] handed to `emit` a chunk at a time, so that twenty thousand paths are
/// printed without holding all of their text; the results may be checked as they are asked
/// for (an iterator over batches). Returns how many paths there were and how many were ok.
pub fn render_text_to<R: std::borrow::Borrow<PathResult>>(
    results: impl IntoIterator<Item = R>,
    color: bool,
    emit: &mut dyn FnMut(&str),
) -> (usize, usize) {
    let (mut total, mut ok) = (0, 0);
    let mut out = String::new();
    for r in results {
        let r = r.borrow();
        total += 1;
        ok += usize::from(r.ok);
        render_path_to(r, color, &mut out);
        if out.len() >= 1 << 16 {
            emit(&out);
            out.clear();
        }
    }
    render_summary_to(total, ok, color, &mut out);
    emit(&out);
    (total, ok)
}

fn colors(color: bool) -> (&'static str, &'static str, &'static str, &'static str, &'static str) {
    if color {
        ("\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "", "")
    }
}

/// One path's text (what [`render_text_to`] writes for it), appended to `out`.
fn render_path_to(r: &PathResult, color: bool, out: &mut String) {
    let (green, red, yellow, bold, reset) = colors(color);
    let mark = if r.ok { format!("{green}ok{reset}") } else { format!("{red}FAILED{reset}") };
    let _ = writeln!(out, "{bold}path {}{reset}: {} (expected {}) {mark}", r.name, r.result.as_str(), r.expect.as_str());
    let _ = writeln!(out, "  from {} to {}:{}", r.from, r.to, r.port);
    let width = r.hops.iter().map(|h| h.kind.len()).max().unwrap_or(0);
    for h in &r.hops {
        let status = if h.ok { format!("{green}✓{reset}") } else { format!("{red}✗{reset}") };
        let az = h.az_id.as_deref().map(|a| format!(" [{a}]")).unwrap_or_default();
        let _ = writeln!(out, "  {status} {:width$}  {}{az}: {}", h.kind, h.resource, h.detail);
    }
    for e in &r.explanations {
        let sev = if e.severity == "warning" { format!("{yellow}warning{reset}") } else { format!("{red}error{reset}") };
        let loc = if e.file.is_empty() { String::new() } else { format!(" ({}:{})", e.file, e.line) };
        let _ = writeln!(out, "  {sev} {}: {}\n    at {}{loc}\n    fix: {}", e.code, e.message, e.resource, e.fix);
    }
    out.push('\n');
}

/// The closing line of the text report, appended to `out`.
fn render_summary_to(total: usize, ok: usize, color: bool, out: &mut String) {
    let (_, _, _, bold, reset) = colors(color);
    let _ = writeln!(out, "{bold}{total} path(s): {ok} ok, {} failed{reset}", total - ok);
}

/// SPEC §6's JSON.
pub fn to_json(results: &[PathResult]) -> Json {
    let ok = results.iter().filter(|r| r.ok).count();
    json!({
        "paths": results.iter().map(|r| json!({
            "name": r.name, "from": r.from, "to": r.to, "port": r.port, "expect": r.expect.as_str(),
            "result": r.result.as_str(), "ok": r.ok,
            "hops": r.hops.iter().map(|h| json!({"kind": h.kind, "resource": h.resource, "id": h.id, "az_id": h.az_id, "ok": h.ok, "detail": h.detail})).collect::<Vec<_>>(),
            "explanations": r.explanations.iter().map(|e| json!({"code": e.code, "severity": e.severity, "message": e.message, "resource": e.resource, "file": e.file, "line": e.line, "fix": e.fix})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": {"total": results.len(), "ok": ok, "failed": results.len() - ok},
    })
}
