//! hclwrite's whitespace formatter (hclwrite/format.go), operating in place
//! on the `spaces` field of a token sequence: indentation from bracket
//! nesting, spacing between tokens, and vertical alignment of `=` and of
//! trailing comments across consecutive lines.

use std::ops::Range;

use crate::lexer::{Kind, Token};
use crate::unicode::grapheme_count;

#[derive(Clone, Default)]
struct Line {
    lead: Range<usize>,
    assign: Option<Range<usize>>,
    comment: Option<usize>,
}

pub(crate) fn format(toks: &mut [Token<'_>]) {
    let mut lines = lines_for_format(toks);
    format_indent(toks, &lines);
    format_spaces(toks, &lines);
    format_cells(toks, &mut lines);
}

/// Writes the tokens out, each preceded by its spaces.
pub(crate) fn render(toks: &[Token<'_>]) -> String {
    let len: usize = toks.iter().map(|t| t.spaces + t.text.len()).sum();
    let mut out = String::with_capacity(len);
    for t in toks {
        for _ in 0..t.spaces {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

fn token_is_newline(t: &Token<'_>) -> bool {
    match t.kind {
        Kind::Newline => true,
        Kind::Comment => t.text.ends_with('\n'),
        _ => false,
    }
}

fn bracket_change(k: Kind) -> i64 {
    match k {
        Kind::OBrace | Kind::OBrack | Kind::OParen | Kind::TemplateControl | Kind::TemplateInterp => 1,
        Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
        _ => 0,
    }
}

fn lines_for_format(toks: &[Token<'_>]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut line_start = 0;
    let mut terminated = false;
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Kind::Eof {
            lines.push(Line { lead: line_start..i, ..Line::default() });
            terminated = true;
            break;
        }
        if token_is_newline(t) {
            lines.push(Line { lead: line_start..i + 1, ..Line::default() });
            line_start = i + 1;
        }
    }
    if !terminated {
        lines.push(Line { lead: line_start..toks.len(), ..Line::default() });
    }

    for line in &mut lines {
        if line.lead.is_empty() {
            continue;
        }
        if line.lead.len() > 1 && toks[line.lead.end - 1].kind == Kind::Comment {
            line.comment = Some(line.lead.end - 1);
            line.lead.end -= 1;
        }
        for i in line.lead.clone() {
            if i > line.lead.start && toks[i].kind == Kind::Equal {
                let net: i64 = toks[i..line.lead.end].iter().map(|t| bracket_change(t.kind)).sum();
                if net == 0 {
                    line.assign = Some(i..line.lead.end);
                    line.lead.end = i;
                }
                break;
            }
        }
    }
    lines
}

fn format_indent(toks: &mut [Token<'_>], lines: &[Line]) {
    let mut indents: Vec<i64> = Vec::new();
    for line in lines {
        if line.lead.is_empty() {
            continue;
        }
        let first = line.lead.start;
        if toks[first].kind == Kind::Newline {
            toks[first].spaces = 0;
            continue;
        }
        let mut net = 0i64;
        for t in &toks[line.lead.clone()] {
            net += bracket_change(t.kind);
            if t.kind == Kind::OHeredoc {
                break;
            }
        }
        if let Some(a) = &line.assign {
            for t in &toks[a.clone()] {
                net += bracket_change(t.kind);
            }
        }
        if net > 0 {
            toks[first].spaces = 2 * indents.len();
            indents.push(net);
        } else {
            if net < 0 {
                let mut closed = -net;
                while closed > 0 {
                    let Some(top) = indents.last_mut() else { break };
                    if closed > *top {
                        closed -= *top;
                        indents.pop();
                    } else if closed < *top {
                        *top -= closed;
                        closed = 0;
                    } else {
                        indents.pop();
                        closed = 0;
                    }
                }
            }
            toks[first].spaces = 2 * indents.len();
        }
    }
}

fn format_spaces(toks: &mut [Token<'_>], lines: &[Line]) {
    for line in lines {
        space_cell(toks, line.lead.clone(), false);
        if let Some(a) = &line.assign {
            space_cell(toks, a.clone(), true);
        }
    }
}

fn space_cell(toks: &mut [Token<'_>], cell: Range<usize>, is_assign: bool) {
    if cell.is_empty() {
        return;
    }
    if is_assign {
        toks[cell.start].spaces = 1;
    }
    for i in cell.start..cell.end - 1 {
        let before = if i > cell.start { Some((toks[i - 1].kind, &*toks[i - 1].text)) } else { None };
        let space = space_after_token((toks[i].kind, &toks[i].text), before.map_or(Kind::Nil, |b| b.0), toks[i + 1].kind);
        toks[i + 1].spaces = usize::from(space);
    }
}

fn space_after_token(subject: (Kind, &str), before: Kind, after: Kind) -> bool {
    use Kind::*;
    let (subj, subj_text) = subject;
    if after == Newline || after == Nil {
        return false;
    }
    if subj == Ident && after == OParen {
        return false;
    }
    if (subj == Ident && after == DoubleColon) || (subj == DoubleColon && after == Ident) {
        return false;
    }
    if subj == Dot || after == Dot {
        return false;
    }
    if after == Comma || after == Ellipsis {
        return false;
    }
    if subj == Comma {
        return true;
    }
    if matches!(subj, QuotedLit | StringLit | OQuote | OHeredoc) || matches!(after, QuotedLit | StringLit | CQuote | CHeredoc) {
        return false;
    }
    if subj == Ident && subj_text == "in" && before == Ident {
        return true;
    }
    if after == OBrack && (subj == Ident || subj == NumberLit || bracket_change(subj) < 0) {
        return false;
    }
    if subj == Bang {
        return false;
    }
    if subj == Minus {
        return !matches!(
            before,
            Nil | OParen
                | OBrace
                | OBrack
                | Equal
                | Colon
                | Comma
                | Question
                | Plus
                | Star
                | Slash
                | Percent
                | Minus
                | EqualOp
                | NotEqual
                | GreaterThan
                | GreaterThanEq
                | LessThan
                | LessThanEq
                | And
                | Or
                | Bang
        );
    }
    if subj == OBrace || after == CBrace {
        return !(subj == OBrace && after == CBrace);
    }
    if matches!(subj, TemplateInterp | TemplateControl) && after == OBrace {
        return true;
    }
    if subj == CBrace && after == TemplateSeqEnd {
        return true;
    }
    if subj == TemplateSeqEnd && matches!(after, TemplateInterp | TemplateControl) {
        return false;
    }
    if bracket_change(subj) > 0 {
        return false;
    }
    if bracket_change(after) < 0 {
        return false;
    }
    true
}

fn columns(toks: &[Token<'_>], cell: Range<usize>) -> usize {
    toks[cell].iter().map(|t| t.spaces + grapheme_count(&t.text)).sum()
}

fn format_cells(toks: &mut [Token<'_>], lines: &mut [Line]) {
    // Assignment alignment first, since it moves the comment cells too.
    let mut chain_start: Option<usize> = None;
    let mut max_cols = 0;
    let n = lines.len();
    for i in 0..=n {
        let has = i < n && lines[i].assign.is_some();
        if has {
            if chain_start.is_none() {
                chain_start = Some(i);
            }
            max_cols = max_cols.max(columns(toks, lines[i].lead.clone()));
        } else if let Some(start) = chain_start.take() {
            for line in &lines[start..i] {
                let cols = columns(toks, line.lead.clone());
                if let Some(a) = &line.assign {
                    toks[a.start].spaces = max_cols - cols + 1;
                }
            }
            max_cols = 0;
        }
    }

    let lead_assign_cols =
        |toks: &[Token<'_>], line: &Line| columns(toks, line.lead.clone()) + line.assign.clone().map_or(0, |a| columns(toks, a));
    let mut chain_start: Option<usize> = None;
    let mut max_cols = 0;
    for i in 0..=n {
        let has = i < n && lines[i].comment.is_some();
        if has {
            if chain_start.is_none() {
                chain_start = Some(i);
            }
            max_cols = max_cols.max(lead_assign_cols(toks, &lines[i]));
        } else if let Some(start) = chain_start.take() {
            for line in &lines[start..i] {
                let cols = lead_assign_cols(toks, line);
                if let Some(c) = line.comment {
                    toks[c].spaces = max_cols - cols + 1;
                }
            }
            max_cols = 0;
        }
    }
}
