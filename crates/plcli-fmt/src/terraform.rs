//! The structural rewrites `terraform fmt` applies before hclwrite's
//! whitespace formatting (terraform/internal/command/fmt.go, `formatBody`),
//! plus the side effects of hclwrite's own parser that are visible in its
//! output:
//!
//! * every attribute value that is exactly one interpolation, `"${expr}"`,
//!   is unwrapped to `expr` (parenthesised if it spans several lines);
//! * in a top-level `variable` block, `type = list|map|set` becomes
//!   `list(any)` etc., and the quoted 0.11 types `"string"`, `"list"` and
//!   `"map"` become `string`, `list(string)` and `map(string)`;
//! * block labels are re-emitted in canonical quoted form (`resource aws_vpc
//!   x` becomes `resource "aws_vpc" "x"`, escapes are normalised), comments
//!   between the type name and the last label are dropped, and (an hclwrite
//!   quirk) quoted labels that lex as several literal tokens, i.e. that
//!   contain `$` or `%`, are dropped altogether.
//!
//! Block/attribute structure is recovered with a small tolerant parser over
//! the token stream; it never recurses, so arbitrarily deep input is fine.

use std::borrow::Cow;

use crate::lexer::{Kind, Token};
use crate::unicode::is_print;

struct Edit<'a> {
    start: usize,
    end: usize,
    replacement: Vec<Token<'a>>,
}

pub(crate) fn rewrite<'a>(toks: Vec<Token<'a>>) -> Vec<Token<'a>> {
    let edits = collect_edits(&toks);
    if edits.is_empty() {
        return toks;
    }
    let mut out = Vec::with_capacity(toks.len());
    let mut iter = toks.into_iter().enumerate().peekable();
    let mut edits = edits.into_iter().peekable();
    while let Some((i, t)) = iter.next() {
        match edits.peek() {
            Some(e) if e.start == i => {
                let e = edits.next().expect("peeked");
                out.extend(e.replacement);
                // Skip the replaced range (the current token is its first).
                let mut j = i + 1;
                while j < e.end {
                    iter.next();
                    j += 1;
                }
                if e.end == i {
                    // Pure insertion (never produced, but keep the token).
                    out.push(t);
                }
            }
            _ => out.push(t),
        }
    }
    out
}

fn is_line_end(t: &Token<'_>) -> bool {
    t.kind == Kind::Newline || (t.kind == Kind::Comment && t.text.ends_with('\n'))
}

fn depth_change(k: Kind) -> i64 {
    match k {
        Kind::OBrace | Kind::OBrack | Kind::OParen | Kind::TemplateInterp | Kind::TemplateControl => 1,
        Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
        _ => 0,
    }
}

/// Index of the first token at or after `i` that is not a comment.
fn skip_comments(toks: &[Token<'_>], mut i: usize) -> usize {
    while i < toks.len() && toks[i].kind == Kind::Comment && !toks[i].text.ends_with('\n') {
        i += 1;
    }
    i
}

/// Skips to the end of the current line (depth-aware). Returns the index of
/// the line-ending token (or of an unmatched closer / EOF).
fn skip_line(toks: &[Token<'_>], mut i: usize) -> usize {
    let mut depth = 0i64;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind == Kind::Eof {
            return i;
        }
        if depth == 0 && is_line_end(t) {
            return i;
        }
        let d = depth_change(t.kind);
        if d < 0 && depth == 0 {
            return i;
        }
        depth += d;
        i += 1;
    }
    i
}

fn collect_edits<'a>(toks: &[Token<'a>]) -> Vec<Edit<'a>> {
    let mut edits = Vec::new();
    // Types of the blocks we are currently inside.
    let mut blocks: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match t.kind {
            Kind::Eof => break,
            Kind::Newline | Kind::Comment => {
                i += 1;
            }
            Kind::CBrace => {
                blocks.pop();
                i += 1;
            }
            Kind::Ident => {
                let j = skip_comments(toks, i + 1);
                match toks.get(j).map(|t| t.kind) {
                    Some(Kind::Equal) => {
                        i = attribute(toks, i, j, &blocks, &mut edits);
                    }
                    Some(Kind::OQuote | Kind::Ident | Kind::OBrace) => match block_header(toks, i, j, &mut edits) {
                        Some(brace) => {
                            blocks.push(&toks[i].text);
                            i = brace + 1;
                        }
                        None => {
                            let e = skip_line(toks, i);
                            i = e.max(i + 1);
                        }
                    },
                    _ => {
                        let e = skip_line(toks, i);
                        i = e.max(i + 1);
                    }
                }
            }
            _ => {
                let e = skip_line(toks, i);
                i = e.max(i + 1);
            }
        }
    }
    edits
}

/// Handles `name = expr`; returns the index to continue scanning from.
fn attribute<'a>(toks: &[Token<'a>], name: usize, eq: usize, blocks: &[&str], edits: &mut Vec<Edit<'a>>) -> usize {
    let end = skip_line(toks, eq + 1);
    // Expression range: trim comments at both ends.
    let mut s = eq + 1;
    let mut e = end;
    while s < e && toks[s].kind == Kind::Comment {
        s += 1;
    }
    while e > s && toks[e - 1].kind == Kind::Comment {
        e -= 1;
    }
    if s < e {
        let expr = &toks[s..e];
        let in_variable = blocks.len() == 1 && blocks[0] == "variable";
        let replacement = if in_variable && toks[name].text == "type" { format_type_expr(expr) } else { format_value_expr(expr) };
        if let Some(replacement) = replacement {
            edits.push(Edit { start: s, end: e, replacement });
        }
    }
    // Continue at the line end; a closing brace there ends a one-line block.
    end.max(eq + 1)
}

/// Parses `type label* {` starting at the type name; records the label
/// rewrite and returns the index of the opening brace.
fn block_header<'a>(toks: &[Token<'a>], type_idx: usize, first: usize, edits: &mut Vec<Edit<'a>>) -> Option<usize> {
    let mut labels: Vec<Option<String>> = Vec::new();
    let mut label_end = None;
    let mut i = first;
    loop {
        i = skip_comments(toks, i);
        let t = toks.get(i)?;
        match t.kind {
            Kind::OBrace => break,
            Kind::Ident => {
                labels.push(Some(t.text.to_string()));
                i += 1;
                label_end = Some(i);
            }
            Kind::OQuote => {
                let mut j = i + 1;
                let mut depth = 0i64;
                loop {
                    let t = toks.get(j)?;
                    match t.kind {
                        Kind::CQuote if depth == 0 => break,
                        Kind::Eof | Kind::Newline if depth == 0 => return None,
                        Kind::Eof => return None,
                        k => depth += depth_change(k),
                    }
                    j += 1;
                }
                labels.push(quoted_label(&toks[i..=j]));
                i = j + 1;
                label_end = Some(i);
            }
            _ => return None,
        }
    }
    if let Some(end) = label_end {
        let offset = toks[type_idx + 1].offset;
        let mut replacement = Vec::new();
        for label in labels.into_iter().flatten() {
            replacement.push(Token::synthetic(Kind::OQuote, "\"", offset));
            if !label.is_empty() {
                replacement.push(Token { kind: Kind::QuotedLit, text: Cow::Owned(escape_quoted_string_lit(&label)), offset, spaces: 0 });
            }
            replacement.push(Token::synthetic(Kind::CQuote, "\"", offset));
        }
        edits.push(Edit { start: type_idx + 1, end, replacement });
    }
    Some(i)
}

/// hclwrite's `blockLabels.Current` for one quoted label: only an empty
/// string or a single literal token survives.
fn quoted_label(toks: &[Token<'_>]) -> Option<String> {
    match toks {
        [o, c] if o.kind == Kind::OQuote && c.kind == Kind::CQuote => Some(String::new()),
        [o, lit, c] if o.kind == Kind::OQuote && lit.kind == Kind::QuotedLit && c.kind == Kind::CQuote => parse_string_literal(&lit.text),
        _ => None,
    }
}

/// `hclsyntax.ParseStringLiteralToken`: decode escapes; `None` on error.
fn parse_string_literal(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let start = i + 2;
                        let digits = s.get(start..start + n)?;
                        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        let v = u32::from_str_radix(digits, 16).ok()?;
                        out.push(char::from_u32(v)?);
                        for _ in 0..n {
                            chars.next();
                        }
                    }
                    _ => return None,
                }
            }
            '$' | '%' => {
                out.push(c);
                // "$${" / "%%{" are escapes for a literal "${" / "%{".
                let rest = &s[i + 1..];
                if rest.starts_with(c) && rest[1..].starts_with('{') {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// hclwrite's `escapeQuotedStringLit`.
fn escape_quoted_string_lit(s: &str) -> String {
    let mut buf = String::with_capacity(s.len() + 2);
    for (i, r) in s.char_indices() {
        match r {
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '$' | '%' => {
                buf.push(r);
                if s[i + 1..].starts_with('{') {
                    buf.push(r);
                }
            }
            _ if !is_print(r) => {
                let cp = r as u32;
                if cp < 0x10000 {
                    buf.push_str(&format!("\\u{cp:04x}"));
                } else {
                    buf.push_str(&format!("\\U{cp:08x}"));
                }
            }
            _ => buf.push(r),
        }
    }
    buf
}

/// Terraform's `formatValueExpr`: unwrap `"${expr}"`.
fn format_value_expr<'a>(toks: &[Token<'a>]) -> Option<Vec<Token<'a>>> {
    let n = toks.len();
    if n < 5 {
        return None;
    }
    if toks[0].kind != Kind::OQuote
        || toks[1].kind != Kind::TemplateInterp
        || toks[n - 2].kind != Kind::TemplateSeqEnd
        || toks[n - 1].kind != Kind::CQuote
    {
        return None;
    }
    let inside = &toks[2..n - 2];
    let mut quotes = 0i64;
    for t in inside {
        match t.kind {
            Kind::OQuote => {
                quotes += 1;
                continue;
            }
            Kind::CQuote => {
                quotes -= 1;
                continue;
            }
            _ => {}
        }
        if quotes > 0 {
            continue;
        }
        if matches!(t.kind, Kind::TemplateInterp | Kind::TemplateSeqEnd | Kind::QuotedLit) {
            return None;
        }
    }
    let mut s = 0;
    let mut e = inside.len();
    while s < e && inside[s].kind == Kind::Newline {
        s += 1;
    }
    while e > s && inside[e - 1].kind == Kind::Newline {
        e -= 1;
    }
    let trimmed = &inside[s..e];
    let mut multi_line = false;
    let mut leading_paren = false;
    let mut trailing_paren = false;
    for (i, t) in trimmed.iter().enumerate() {
        if i == 0 && t.kind == Kind::OParen {
            leading_paren = true;
        } else if t.kind == Kind::Newline {
            multi_line = true;
        } else if i == trimmed.len() - 1 && t.kind == Kind::CParen {
            trailing_paren = true;
        }
    }
    let offset = toks[0].offset;
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    let wrap = multi_line && !(leading_paren && trailing_paren);
    if wrap {
        out.push(Token::synthetic(Kind::OParen, "(", offset));
    }
    out.extend(trimmed.iter().cloned());
    if wrap {
        out.push(Token::synthetic(Kind::CParen, ")", offset));
    }
    Some(out)
}

/// Terraform's `formatTypeExpr` for `type` in a top-level variable block.
fn format_type_expr<'a>(toks: &[Token<'a>]) -> Option<Vec<Token<'a>>> {
    let offset = toks.first()?.offset;
    let ident = |text: &'static str| Token::synthetic(Kind::Ident, text, offset);
    let call = |name: &'static str, arg: &'static str| {
        vec![ident(name), Token::synthetic(Kind::OParen, "(", offset), ident(arg), Token::synthetic(Kind::CParen, ")", offset)]
    };
    match toks {
        [kw] if kw.kind == Kind::Ident => match &*kw.text {
            "list" => Some(call("list", "any")),
            "map" => Some(call("map", "any")),
            "set" => Some(call("set", "any")),
            _ => None,
        },
        [o, lit, c] if o.kind == Kind::OQuote && lit.kind == Kind::QuotedLit && c.kind == Kind::CQuote => match &*lit.text {
            "string" => Some(vec![ident("string")]),
            "list" => Some(call("list", "string")),
            "map" => Some(call("map", "string")),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_escapes_round_trip() {
        assert_eq!(parse_string_literal(r"a\u0041\t").as_deref(), Some("aA\t"));
        assert_eq!(escape_quoted_string_lit("aA\t"), r"aA\t");
        assert_eq!(escape_quoted_string_lit("\u{a0}"), r"\u00a0");
        assert_eq!(escape_quoted_string_lit("${"), "$${");
        assert_eq!(parse_string_literal(r"\q"), None);
        assert_eq!(parse_string_literal(r"\ud800"), None);
    }
}
