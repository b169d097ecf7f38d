//! An HCL native-syntax lexer that reproduces the token stream of
//! `hclsyntax.LexConfig` (the Ragel scanner in hclsyntax/scan_tokens.rl)
//! closely enough for hclwrite's formatter: the same token kinds, the same
//! token boundaries wherever formatting can observe them, and the same
//! "spaces before" bookkeeping (bytes skipped between tokens).

use std::borrow::Cow;

use crate::unicode::{is_ident_continue, is_ident_start};
use crate::FmtError;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    OQuote,
    CQuote,
    OHeredoc,
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    LessThan,
    LessThanEq,
    GreaterThan,
    GreaterThanEq,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    DoubleColon,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    TemplateInterp,
    TemplateControl,
    TemplateSeqEnd,
    QuotedLit,
    StringLit,
    NumberLit,
    Ident,
    Comment,
    Newline,
    Eof,
    /// Tokens the formatter treats uniformly: `&`, `|`, `~`, `^`, `;`, `` ` ``,
    /// `'` and characters hclsyntax reports as invalid.
    Other,
    /// hclwrite's placeholder for "no token" (start or end of a cell).
    Nil,
}

#[derive(Clone, Debug)]
pub(crate) struct Token<'a> {
    pub kind: Kind,
    pub text: Cow<'a, str>,
    /// Byte offset of the token in the source (synthetic tokens reuse the
    /// offset of the token they replace).
    pub offset: usize,
    /// hclwrite's `SpacesBefore`.
    pub spaces: usize,
}

impl<'a> Token<'a> {
    pub(crate) fn synthetic(kind: Kind, text: &'static str, offset: usize) -> Token<'a> {
        Token { kind, text: Cow::Borrowed(text), offset, spaces: 0 }
    }
}

enum Mode {
    /// Normal expression/structure scanning (the file's top level, or the
    /// inside of a `${` / `%{` template sequence).
    Main,
    /// Inside a quoted template; the value is the offset of the open quote.
    Quoted(usize),
    /// Inside a heredoc template (the innermost entry of `Lexer::heredocs`).
    Heredoc,
}

struct Heredoc<'a> {
    marker: &'a str,
    start_of_line: bool,
    offset: usize,
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    last_end: usize,
    tokens: Vec<Token<'a>>,
    modes: Vec<Mode>,
    braces: i64,
    ret_braces: Vec<i64>,
    heredocs: Vec<Heredoc<'a>>,
    /// Offsets of the `${`/`%{` that opened each active template sequence.
    interp_offsets: Vec<usize>,
}

pub(crate) fn lex(src: &str) -> Result<Vec<Token<'_>>, FmtError> {
    let start = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: start,
        last_end: 0,
        tokens: Vec::new(),
        modes: vec![Mode::Main],
        braces: 0,
        ret_braces: Vec::new(),
        heredocs: Vec::new(),
        interp_offsets: Vec::new(),
    };
    lx.run()?;
    Ok(lx.tokens)
}

fn is_hspace(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl<'a> Lexer<'a> {
    fn emit(&mut self, kind: Kind, start: usize, end: usize) {
        let spaces = start.saturating_sub(self.last_end);
        self.tokens.push(Token { kind, text: Cow::Borrowed(&self.src[start..end]), offset: start, spaces });
        self.last_end = end;
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.bytes.get(self.pos + off).copied()
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|s| s.chars().next())
    }

    fn run(&mut self) -> Result<(), FmtError> {
        loop {
            if self.pos >= self.bytes.len() {
                return self.finish();
            }
            match self.modes.last() {
                Some(Mode::Main) | None => self.scan_main()?,
                Some(Mode::Quoted(_)) => self.scan_quoted()?,
                Some(Mode::Heredoc) => self.scan_heredoc()?,
            }
        }
    }

    fn finish(&mut self) -> Result<(), FmtError> {
        match self.modes.last() {
            Some(Mode::Quoted(off)) => {
                return Err(FmtError::new(*off, "unterminated quoted string"));
            }
            Some(Mode::Heredoc) => {
                let off = self.heredocs.last().map(|h| h.offset).unwrap_or(self.pos);
                return Err(FmtError::new(off, "unterminated heredoc (no closing marker line)"));
            }
            _ => {}
        }
        if self.modes.len() > 1 {
            let off = self.interp_offsets.last().copied().unwrap_or(self.pos);
            return Err(FmtError::new(off, "unterminated template sequence"));
        }
        let end = self.bytes.len();
        self.emit(Kind::Eof, end, end);
        Ok(())
    }

    fn begin_template_seq(&mut self, kind: Kind, start: usize) {
        let mut end = start + 2;
        if self.bytes.get(end) == Some(&b'~') {
            end += 1;
        }
        self.emit(kind, start, end);
        self.pos = end;
        self.braces += 1;
        self.ret_braces.push(self.braces);
        if let Some(h) = self.heredocs.last_mut() {
            h.start_of_line = false;
        }
        self.interp_offsets.push(start);
        self.modes.push(Mode::Main);
    }

    fn close_template_seq(&mut self) {
        self.braces -= 1;
        self.ret_braces.pop();
        self.interp_offsets.pop();
        self.modes.pop();
    }

    fn scan_main(&mut self) -> Result<(), FmtError> {
        let start = self.pos;
        let b = self.bytes[start];
        match b {
            b' ' | b'\t' => {
                while self.pos < self.bytes.len() && is_hspace(self.bytes[self.pos]) {
                    self.pos += 1;
                }
                return Ok(());
            }
            b'0'..=b'9' => {
                let end = self.scan_number(start);
                self.emit(Kind::NumberLit, start, end);
                self.pos = end;
                return Ok(());
            }
            b'#' => {
                self.line_comment(start);
                return Ok(());
            }
            b'/' if self.peek(1) == Some(b'/') => {
                self.line_comment(start);
                return Ok(());
            }
            b'/' if self.peek(1) == Some(b'*') => {
                match self.src[start + 2..].find("*/") {
                    Some(i) => {
                        let end = start + 2 + i + 2;
                        self.emit(Kind::Comment, start, end);
                        self.pos = end;
                    }
                    None => return Err(FmtError::new(start, "unterminated /* comment")),
                }
                return Ok(());
            }
            b'\n' => {
                self.simple(Kind::Newline, 1);
                return Ok(());
            }
            b'\r' if self.peek(1) == Some(b'\n') => {
                self.simple(Kind::Newline, 2);
                return Ok(());
            }
            b'"' => {
                self.simple(Kind::OQuote, 1);
                self.modes.push(Mode::Quoted(start));
                return Ok(());
            }
            b'{' => {
                self.simple(Kind::OBrace, 1);
                self.braces += 1;
                return Ok(());
            }
            b'}' => {
                if self.ret_braces.last() == Some(&self.braces) {
                    self.simple(Kind::TemplateSeqEnd, 1);
                    self.close_template_seq();
                } else {
                    self.simple(Kind::CBrace, 1);
                    self.braces -= 1;
                }
                return Ok(());
            }
            b'~' if self.peek(1) == Some(b'}') => {
                self.simple(Kind::TemplateSeqEnd, 2);
                if self.ret_braces.last() == Some(&self.braces) {
                    self.close_template_seq();
                } else {
                    self.braces -= 1;
                }
                return Ok(());
            }
            b'<' if self.peek(1) == Some(b'<') => {
                if let Some((marker, end)) = self.heredoc_intro(start) {
                    self.emit(Kind::OHeredoc, start, end);
                    self.pos = end;
                    self.heredocs.push(Heredoc { marker, start_of_line: true, offset: start });
                    self.modes.push(Mode::Heredoc);
                    return Ok(());
                }
            }
            _ => {}
        }

        let two = self.bytes.get(start..start + 2);
        let kind2 = match two {
            Some(b"==") => Some(Kind::EqualOp),
            Some(b"!=") => Some(Kind::NotEqual),
            Some(b">=") => Some(Kind::GreaterThanEq),
            Some(b"<=") => Some(Kind::LessThanEq),
            Some(b"&&") => Some(Kind::And),
            Some(b"||") => Some(Kind::Or),
            Some(b"::") => Some(Kind::DoubleColon),
            Some(b"=>") => Some(Kind::FatArrow),
            _ => None,
        };
        if self.bytes.get(start..start + 3) == Some(b"...") {
            self.simple(Kind::Ellipsis, 3);
            return Ok(());
        }
        if let Some(k) = kind2 {
            self.simple(k, 2);
            return Ok(());
        }
        let kind1 = match b {
            b'[' => Some(Kind::OBrack),
            b']' => Some(Kind::CBrack),
            b'(' => Some(Kind::OParen),
            b')' => Some(Kind::CParen),
            b'.' => Some(Kind::Dot),
            b',' => Some(Kind::Comma),
            b'*' => Some(Kind::Star),
            b'/' => Some(Kind::Slash),
            b'%' => Some(Kind::Percent),
            b'+' => Some(Kind::Plus),
            b'-' => Some(Kind::Minus),
            b'=' => Some(Kind::Equal),
            b'<' => Some(Kind::LessThan),
            b'>' => Some(Kind::GreaterThan),
            b'!' => Some(Kind::Bang),
            b'?' => Some(Kind::Question),
            b':' => Some(Kind::Colon),
            b'&' | b'|' | b'~' | b'^' | b';' | b'`' | b'\'' => Some(Kind::Other),
            _ => None,
        };
        if let Some(k) = kind1 {
            self.simple(k, 1);
            return Ok(());
        }
        // Identifier, or a single invalid character.
        let c = match self.char_at(start) {
            Some(c) => c,
            None => {
                // Not on a char boundary: cannot happen for &str input, but
                // never panic.
                self.pos += 1;
                return Ok(());
            }
        };
        if is_ident_start(c) {
            let end = self.scan_ident(start);
            self.emit(Kind::Ident, start, end);
            self.pos = end;
        } else {
            let end = start + c.len_utf8();
            self.emit(Kind::Other, start, end);
            self.pos = end;
        }
        Ok(())
    }

    fn simple(&mut self, kind: Kind, len: usize) {
        let start = self.pos;
        self.emit(kind, start, start + len);
        self.pos = start + len;
    }

    fn line_comment(&mut self, start: usize) {
        let end = match self.bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start + i + 1,
            None => self.bytes.len(),
        };
        self.emit(Kind::Comment, start, end);
        self.pos = end;
    }

    fn scan_ident(&self, start: usize) -> usize {
        let mut end = start;
        let mut first = true;
        for c in self.src[start..].chars() {
            let ok = if first { is_ident_start(c) } else { is_ident_continue(c) };
            if !ok {
                break;
            }
            first = false;
            end += c.len_utf8();
        }
        end
    }

    /// `digit (NumberLitContinue* (NumberLitContinue - '.'))?` with
    /// `NumberLitContinue = digit | '.' | [eE] [+-]? digit`, longest match.
    fn scan_number(&self, start: usize) -> usize {
        let b = self.bytes;
        let mut p = start + 1;
        let mut last_good = p;
        loop {
            match b.get(p) {
                Some(c) if c.is_ascii_digit() => {
                    p += 1;
                    last_good = p;
                }
                Some(b'.') => {
                    p += 1;
                }
                Some(b'e') | Some(b'E') => {
                    let mut q = p + 1;
                    if matches!(b.get(q), Some(b'+') | Some(b'-')) {
                        q += 1;
                    }
                    if b.get(q).is_some_and(|c| c.is_ascii_digit()) {
                        p = q + 1;
                        last_good = p;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        last_good
    }

    /// `'<<' '-'? Ident Newline`: returns the marker and the token end.
    fn heredoc_intro(&self, start: usize) -> Option<(&'a str, usize)> {
        let mut p = start + 2;
        if self.bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        let c = self.char_at(p)?;
        if !is_ident_start(c) {
            return None;
        }
        let end_ident = self.scan_ident(p);
        let marker = &self.src[p..end_ident];
        match self.bytes.get(end_ident) {
            Some(b'\n') => Some((marker, end_ident + 1)),
            Some(b'\r') if self.bytes.get(end_ident + 1) == Some(&b'\n') => Some((marker, end_ident + 2)),
            _ => None,
        }
    }

    fn scan_quoted(&mut self) -> Result<(), FmtError> {
        let start = self.pos;
        let b = self.bytes[start];
        let open = match self.modes.last() {
            Some(Mode::Quoted(o)) => *o,
            _ => start,
        };
        match b {
            b'"' => {
                self.simple(Kind::CQuote, 1);
                self.modes.pop();
                Ok(())
            }
            b'$' | b'%' => {
                let kind = if b == b'$' { Kind::TemplateInterp } else { Kind::TemplateControl };
                match self.peek(1) {
                    Some(b'{') => {
                        self.begin_template_seq(kind, start);
                        Ok(())
                    }
                    Some(c) if c == b => {
                        // "$${" / "%%{" escapes, or a lone "$" / "%".
                        if self.peek(2) == Some(b'{') {
                            let mut end = start + 3;
                            if self.bytes.get(end) == Some(&b'~') {
                                end += 1;
                            }
                            self.emit(Kind::QuotedLit, start, end);
                            self.pos = end;
                        } else {
                            self.simple(Kind::QuotedLit, 1);
                        }
                        Ok(())
                    }
                    Some(_) => {
                        self.simple(Kind::QuotedLit, 1);
                        Ok(())
                    }
                    None => Err(FmtError::new(open, "unterminated quoted string")),
                }
            }
            b'\r' | b'\n' => Err(FmtError::new(open, "unterminated quoted string (quoted strings may not span lines)")),
            _ => {
                let mut p = start;
                while p < self.bytes.len() {
                    match self.bytes[p] {
                        b'$' | b'%' | b'"' | b'\r' | b'\n' => break,
                        b'\\' => match self.bytes.get(p + 1) {
                            None | Some(b'\r') | Some(b'\n') => break,
                            Some(_) => {
                                let c = self.char_at(p + 1).map_or(1, char::len_utf8);
                                p += 1 + c;
                            }
                        },
                        _ => p += 1,
                    }
                }
                if p == start {
                    // A backslash that cannot start an escape: hclsyntax emits
                    // an invalid token for it.
                    if self.bytes.get(p + 1).is_none() {
                        return Err(FmtError::new(open, "unterminated quoted string"));
                    }
                    self.simple(Kind::Other, 1);
                    return Ok(());
                }
                self.emit(Kind::QuotedLit, start, p);
                self.pos = p;
                Ok(())
            }
        }
    }

    fn scan_heredoc(&mut self) -> Result<(), FmtError> {
        let start = self.pos;
        let b = self.bytes[start];
        if (b == b'$' || b == b'%') && self.peek(1) == Some(b'{') {
            let kind = if b == b'$' { Kind::TemplateInterp } else { Kind::TemplateControl };
            self.begin_template_seq(kind, start);
            return Ok(());
        }
        let mut p = start;
        if b == b'$' || b == b'%' {
            // "$${" / "%%{" escape or a lone "$" / "%": a short literal.
            p += 1;
            if self.bytes.get(p) == Some(&b) && self.bytes.get(p + 1) == Some(&b'{') {
                p += 2;
                if self.bytes.get(p) == Some(&b'~') {
                    p += 1;
                }
            }
            self.emit(Kind::StringLit, start, p);
            self.pos = p;
            if let Some(h) = self.heredocs.last_mut() {
                h.start_of_line = false;
            }
            return Ok(());
        }
        while p < self.bytes.len() && !matches!(self.bytes[p], b'$' | b'%' | b'\r' | b'\n') {
            p += 1;
        }
        let eol_end = match self.bytes.get(p) {
            Some(b'\n') => Some(p + 1),
            Some(b'\r') if self.bytes.get(p + 1) == Some(&b'\n') => Some(p + 2),
            Some(b'\r') => {
                return Err(FmtError::new(p, "invalid carriage return inside heredoc (not followed by a newline)"));
            }
            _ => None,
        };
        let Some(eol_end) = eol_end else {
            if p == start {
                // Only reachable at end of input.
                let off = self.heredocs.last().map_or(start, |h| h.offset);
                return Err(FmtError::new(off, "unterminated heredoc"));
            }
            self.emit(Kind::StringLit, start, p);
            self.pos = p;
            if let Some(h) = self.heredocs.last_mut() {
                h.start_of_line = false;
            }
            return Ok(());
        };
        // A whole line whose trimmed text is the marker closes the heredoc
        // (hclsyntax's heredocLiteralEOL action).
        let is_marker = match self.heredocs.last() {
            Some(h) if h.start_of_line => go_trim_space(&self.src[start..eol_end]) == h.marker,
            _ => false,
        };
        if is_marker {
            let nl_start = if eol_end - start >= 2 && self.bytes[eol_end - 2] == b'\r' { eol_end - 2 } else { eol_end - 1 };
            self.emit(Kind::CHeredoc, start, nl_start);
            self.emit(Kind::Newline, nl_start, eol_end);
            self.pos = eol_end;
            self.heredocs.pop();
            self.modes.pop();
            return Ok(());
        }
        self.emit(Kind::StringLit, start, eol_end);
        self.pos = eol_end;
        if let Some(h) = self.heredocs.last_mut() {
            h.start_of_line = true;
        }
        Ok(())
    }
}

/// Go's `bytes.TrimSpace` (Unicode white space).
fn go_trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| {
        matches!(c, '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}') || (c as u32 > 0xFF && c.is_whitespace())
    })
}

/// Verifies that brackets and template sequences nest properly, as every
/// input `terraform fmt` accepts does.
pub(crate) fn check_balance(tokens: &[Token<'_>]) -> Result<(), FmtError> {
    let mut stack: Vec<(Kind, usize)> = Vec::new();
    for t in tokens {
        let want = match t.kind {
            Kind::OBrace | Kind::OBrack | Kind::OParen | Kind::TemplateInterp | Kind::TemplateControl => {
                stack.push((t.kind, t.offset));
                continue;
            }
            Kind::CBrace => Kind::OBrace,
            Kind::CBrack => Kind::OBrack,
            Kind::CParen => Kind::OParen,
            Kind::TemplateSeqEnd => Kind::TemplateInterp,
            _ => continue,
        };
        match stack.pop() {
            Some((open, _)) if open == want || (want == Kind::TemplateInterp && open == Kind::TemplateControl) => {}
            Some((open, off)) => {
                return Err(FmtError::new(
                    t.offset,
                    format!("unbalanced brackets: `{}` does not close `{}` opened at byte offset {}", t.text, opener_text(open), off),
                ));
            }
            None => {
                return Err(FmtError::new(t.offset, format!("unbalanced brackets: unexpected `{}`", t.text)));
            }
        }
    }
    if let Some((open, off)) = stack.pop() {
        return Err(FmtError::new(off, format!("unbalanced brackets: `{}` is never closed", opener_text(open))));
    }
    Ok(())
}

fn opener_text(k: Kind) -> &'static str {
    match k {
        Kind::OBrace => "{",
        Kind::OBrack => "[",
        Kind::OParen => "(",
        Kind::TemplateInterp => "${",
        Kind::TemplateControl => "%{",
        _ => "?",
    }
}
