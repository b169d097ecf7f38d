//! String functions: chomp format formatlist indent join lower upper title regex regexall
//! replace split strrev substr trim trimprefix trimsuffix trimspace startswith endswith
//! strcontains.

use std::cmp::Ordering;

use regex::{Regex, RegexBuilder};

use super::encoding::{json_encode, json_quote};
use super::{graphemes, to_int, Args, FuncError};
use crate::value::format_number;
use crate::Value;

fn string(s: impl Into<crate::Key>) -> Result<Value, FuncError> {
    Ok(Value::string(s))
}

/// Results larger than this are refused rather than exhausting memory.
const MAX_RESULT_BYTES: usize = 64 << 20;

pub(super) fn chomp(a: Args) -> Result<Value, FuncError> {
    string(a.str(0).trim_end_matches(['\r', '\n']))
}

pub(super) fn indent(a: Args) -> Result<Value, FuncError> {
    let spaces = to_int(a.num(0)).map_err(FuncError::call)?;
    if spaces < 0 {
        return Err(FuncError::call("the number of spaces must not be negative"));
    }
    let s = a.str(1);
    let lines = s.matches('\n').count() as u128;
    if lines == 0 {
        return string(s);
    }
    if lines * spaces as u128 + s.len() as u128 > MAX_RESULT_BYTES as u128 {
        return Err(FuncError::call("the indented string would be too large"));
    }
    let pad = format!("\n{}", " ".repeat(spaces as usize));
    string(s.replace('\n', &pad))
}

pub(super) fn join(a: Args) -> Result<Value, FuncError> {
    let lists = &a.vals[1..];
    if lists.is_empty() {
        return Err(FuncError::call("at least one list is required"));
    }
    let mut parts = Vec::new();
    for (j, list) in lists.iter().enumerate() {
        for (i, v) in list.as_seq().unwrap_or(&[]).iter().enumerate() {
            match v {
                Value::String(s) => parts.push(s.as_str()),
                _ if lists.len() > 1 => {
                    return Err(a.err(j + 1, format!("element {i} of list {} is null; cannot concatenate null values", j + 1)))
                }
                _ => return Err(a.err(j + 1, format!("element {i} is null; cannot concatenate null values"))),
            }
        }
    }
    let total: u128 = parts.iter().map(|p| p.len() as u128).sum::<u128>() + a.str(0).len() as u128 * parts.len() as u128;
    if total > MAX_RESULT_BYTES as u128 {
        return Err(FuncError::call("the joined string would be too large"));
    }
    string(parts.join(a.str(0)))
}

/// Go's `unicode.ToUpper`: one character to one character; characters whose upper case is
/// several characters (such as `ß`) stay as they are.
fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn lower_char(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: upper case, except for the Latin digraphs that have a title form.
fn title_char(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => upper_char(c),
    }
}

pub(super) fn upper(a: Args) -> Result<Value, FuncError> {
    string(a.str(0).chars().map(upper_char).collect::<String>())
}

pub(super) fn lower(a: Args) -> Result<Value, FuncError> {
    string(a.str(0).chars().map(lower_char).collect::<String>())
}

/// Go's `strings.Title` word separators.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

pub(super) fn title(a: Args) -> Result<Value, FuncError> {
    let mut prev = ' ';
    let out: String = a
        .str(0)
        .chars()
        .map(|c| {
            let r = if is_separator(prev) { title_char(c) } else { c };
            prev = c;
            r
        })
        .collect();
    string(out)
}

pub(super) fn split(a: Args) -> Result<Value, FuncError> {
    let (sep, s) = (a.str(0), a.str(1));
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::String(c.to_string().into())).collect()
    } else {
        s.split(sep).map(Value::string).collect()
    };
    Ok(Value::List(parts))
}

pub(super) fn strrev(a: Args) -> Result<Value, FuncError> {
    string(graphemes(a.str(0)).rev().collect::<String>())
}

pub(super) fn substr(a: Args) -> Result<Value, FuncError> {
    let s = a.str(0);
    let mut offset = to_int(a.num(1)).map_err(FuncError::call)?;
    let length = to_int(a.num(2)).map_err(FuncError::call)?;
    let chars: Vec<&str> = graphemes(s).collect();
    let total = chars.len() as i64;
    if offset < 0 {
        offset = (offset + total).max(0);
    }
    if offset >= total {
        return string("");
    }
    let rest = &chars[offset as usize..];
    let take = if length < 0 { rest.len() } else { (length as u64).min(rest.len() as u64) as usize };
    string(rest[..take].concat())
}

pub(super) fn trim(a: Args) -> Result<Value, FuncError> {
    let cutset = a.str(1);
    string(a.str(0).trim_matches(|c| cutset.contains(c)))
}

pub(super) fn trimprefix(a: Args) -> Result<Value, FuncError> {
    string(a.str(0).strip_prefix(a.str(1)).unwrap_or(a.str(0)))
}

pub(super) fn trimsuffix(a: Args) -> Result<Value, FuncError> {
    string(a.str(0).strip_suffix(a.str(1)).unwrap_or(a.str(0)))
}

pub(super) fn trimspace(a: Args) -> Result<Value, FuncError> {
    string(a.str(0).trim())
}

pub(super) fn startswith(a: Args) -> Result<Value, FuncError> {
    Ok(Value::Bool(a.str(0).starts_with(a.str(1))))
}

pub(super) fn endswith(a: Args) -> Result<Value, FuncError> {
    Ok(Value::Bool(a.str(0).ends_with(a.str(1))))
}

pub(super) fn strcontains(a: Args) -> Result<Value, FuncError> {
    Ok(Value::Bool(a.str(0).contains(a.str(1))))
}

// ------------------------------------------------------------------ regular expressions

/// Rewrites an RE2 (Go `regexp`) pattern for the `regex` crate: Perl classes and word
/// boundaries are ASCII-only in RE2 but Unicode-aware in `regex`, and `\Q...\E` quoting is
/// RE2-only.
fn translate_re2(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len() + 8);
    let mut chars = pat.chars().peekable();
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let (outside, inside) = match e {
                    'd' => ("[0-9]", "0-9"),
                    'D' => ("[^0-9]", "\\D"),
                    'w' => ("[0-9A-Za-z_]", "0-9A-Za-z_"),
                    'W' => ("[^0-9A-Za-z_]", "\\W"),
                    's' => ("[\\t\\n\\f\\r ]", "\\t\\n\\f\\r "),
                    'S' => ("[^\\t\\n\\f\\r ]", "\\S"),
                    'b' if !in_class => ("(?-u:\\b)", ""),
                    'B' if !in_class => ("(?-u:\\B)", ""),
                    'Q' => {
                        let mut lit = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            lit.push(q);
                        }
                        if in_class {
                            for q in lit.chars() {
                                out.push_str(&regex::escape(&q.to_string()));
                            }
                        } else {
                            out.push_str(&regex::escape(&lit));
                        }
                        continue;
                    }
                    _ => {
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                };
                out.push_str(if in_class { inside } else { outside });
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                // A `]` right after the opening bracket is a literal.
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("\\]");
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // POSIX class such as [:alpha:]
                out.push('[');
                for q in chars.by_ref() {
                    out.push(q);
                    if q == ']' {
                        break;
                    }
                }
            }
            '[' => out.push_str("\\["),
            ']' if in_class && !at_class_start => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' | '-' if in_class => {
                // `regex` gives `&&`, `~~` and `--` a meaning inside classes; RE2 does not.
                if c == '-' {
                    out.push('-');
                } else {
                    out.push('\\');
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Go's name for a regular expression syntax error, and the part of the pattern it is about.
struct ReError {
    code: String,
    expr: String,
}

fn go_error_code(rust: &str) -> &'static str {
    let table: &[(&str, &str)] = &[
        ("unclosed character class", "missing closing ]"),
        ("empty character class", "missing closing ]"),
        ("unclosed group", "missing closing )"),
        ("unopened group", "unexpected )"),
        ("repetition operator missing expression", "missing argument to repetition operator"),
        ("invalid character class range", "invalid character class range"),
        ("incomplete escape sequence", "trailing backslash at end of expression"),
        ("backreferences are not supported", "invalid escape sequence"),
        ("unrecognized escape sequence", "invalid escape sequence"),
        ("capture group name", "invalid named capture"),
        ("duplicate capture group name", "duplicate capture group name"),
        ("repetition", "invalid repeat count"),
        ("decimal", "invalid repeat count"),
        ("look-around", "invalid or unsupported Perl syntax"),
        ("flag", "invalid or unsupported Perl syntax"),
        ("size limit", "expression too large"),
    ];
    table.iter().find(|(k, _)| rust.contains(k)).map_or("invalid regular expression", |(_, v)| v)
}

fn compile(pattern: &str) -> Result<Regex, ReError> {
    let translated = translate_re2(pattern);
    RegexBuilder::new(&translated).size_limit(16 << 20).build().map_err(|e| {
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let last = lines.last().map_or("", |l| l.trim());
        let code = go_error_code(last.strip_prefix("error: ").unwrap_or(last)).to_string();
        // Rust marks the offending span with carets under the pattern.
        let span = match (lines.get(1), lines.get(2)) {
            (Some(pat), Some(carets)) if translated == pattern && lines.len() == 4 && pat.get(4..) == Some(pattern) => {
                let start = carets.find('^').unwrap_or(4).saturating_sub(4);
                let len = carets.matches('^').count();
                let chars: Vec<char> = pattern.chars().collect();
                let end = if code == "missing closing ]" { chars.len() } else { (start + len).min(chars.len()) };
                chars.get(start.min(chars.len())..end).map(|c| c.iter().collect::<String>())
            }
            _ => None,
        };
        let expr = match code.as_str() {
            "missing closing )" | "unexpected )" | "expression too large" => pattern.to_string(),
            "trailing backslash at end of expression" => String::new(),
            _ => span.unwrap_or_else(|| pattern.to_string()),
        };
        ReError { code, expr }
    })
}

enum Captures {
    Whole,
    Unnamed(usize),
    Named(Vec<(usize, String)>),
}

fn capture_kind(re: &Regex) -> Result<Captures, String> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named: Vec<(usize, String)> = names.iter().enumerate().filter_map(|(i, n)| n.map(|n| (i + 1, n.to_string()))).collect();
    match (names.len(), named.len()) {
        (0, _) => Ok(Captures::Whole),
        (n, 0) => Ok(Captures::Unnamed(n)),
        (n, k) if n == k => Ok(Captures::Named(named)),
        _ => Err("invalid regexp pattern: cannot mix both named and unnamed capture groups".into()),
    }
}

fn capture_value(kind: &Captures, caps: &regex::Captures) -> Value {
    let group = |i: usize| caps.get(i).map_or(Value::Null, |m| Value::string(m.as_str()));
    match kind {
        Captures::Whole => group(0),
        Captures::Unnamed(n) => Value::Tuple((1..=*n).map(group).collect()),
        Captures::Named(names) => Value::Object(names.iter().map(|(i, n)| (n.clone(), group(*i))).collect()),
    }
}

/// Non-overlapping matches with Go's rule that an empty match right after the previous
/// match is skipped.
fn all_captures<'h>(re: &Regex, hay: &'h str) -> Vec<regex::Captures<'h>> {
    let mut out: Vec<regex::Captures<'h>> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for caps in re.captures_iter(hay) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() && prev_end == Some(m.start()) {
            continue;
        }
        prev_end = Some(m.end());
        out.push(caps);
    }
    out
}

fn regex_setup(a: &Args) -> Result<(Regex, Captures), FuncError> {
    let re = compile(a.str(0)).map_err(|e| a.err(0, format!("invalid regexp pattern: {} in {}", e.code, e.expr)))?;
    let kind = capture_kind(&re).map_err(|e| a.err(0, e))?;
    Ok((re, kind))
}

pub(super) fn regex(a: Args) -> Result<Value, FuncError> {
    let (re, kind) = regex_setup(&a)?;
    match re.captures(a.str(1)) {
        Some(caps) => Ok(capture_value(&kind, &caps)),
        None => Err(FuncError::call("pattern did not match any part of the given string")),
    }
}

pub(super) fn regexall(a: Args) -> Result<Value, FuncError> {
    let (re, kind) = regex_setup(&a)?;
    Ok(Value::List(all_captures(&re, a.str(1)).iter().map(|c| capture_value(&kind, c)).collect()))
}

pub(super) fn replace(a: Args) -> Result<Value, FuncError> {
    let (s, search, with) = (a.str(0), a.str(1), a.str(2));
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        let re = compile(&search[1..search.len() - 1])
            .map_err(|e| FuncError::call(format!("error parsing regexp: {}: `{}`", e.code, e.expr)))?;
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for caps in all_captures(&re, s) {
            let Some(m) = caps.get(0) else { continue };
            out.push_str(&s[last..m.start()]);
            caps.expand(with, &mut out);
            last = m.end();
            if out.len() > MAX_RESULT_BYTES {
                return Err(FuncError::call("the result would be too large"));
            }
        }
        out.push_str(&s[last..]);
        return string(out);
    }
    let count = if search.is_empty() { s.chars().count() + 1 } else { s.matches(search).count() };
    if (count as u128) * (with.len() as u128) + s.len() as u128 > MAX_RESULT_BYTES as u128 {
        return Err(FuncError::call("the result would be too large"));
    }
    string(s.replace(search, with))
}

// ------------------------------------------------------------------ format and formatlist

#[derive(Default)]
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

enum FmtError {
    Call(String),
    /// More arguments than verbs use; carries how many were used.
    TooMany(usize),
}

/// Width and precision beyond this are refused rather than producing huge strings.
const MAX_WIDTH: usize = 1 << 20;

fn format_core(fmt: &str, args: &[Value]) -> Result<String, FmtError> {
    let b = fmt.as_bytes();
    let mut out = String::with_capacity(fmt.len());
    let mut i = 0;
    let mut next_arg = 1usize;
    let mut max_used = 0usize;
    let invalid = |p: usize| FmtError::Call(format!("invalid format string starting at offset {p}"));
    let unrecognized = |p: usize| {
        let c = fmt[p..].chars().next().unwrap_or('?');
        FmtError::Call(format!("unrecognized format character '{c}' at offset {p}"))
    };
    let number = |i: &mut usize| -> Result<usize, FmtError> {
        let mut n = 0usize;
        while *i < b.len() && b[*i].is_ascii_digit() {
            n = n.saturating_mul(10).saturating_add((b[*i] - b'0') as usize);
            *i += 1;
        }
        if n > MAX_WIDTH {
            return Err(FmtError::Call(format!("format width or precision {n} is too large")));
        }
        Ok(n)
    };
    while i < b.len() {
        if b[i] != b'%' {
            let j = fmt[i..].find('%').map_or(b.len(), |k| i + k);
            out.push_str(&fmt[i..j]);
            i = j;
            continue;
        }
        let start = i;
        i += 1;
        if i >= b.len() {
            return Err(invalid(i));
        }
        if b[i] == b'%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut v = Verb { offset: start, ..Verb::default() };
        while i < b.len() {
            match b[i] {
                b'+' => v.plus = true,
                b'-' => v.minus = true,
                b'#' => v.sharp = true,
                b' ' => v.space = true,
                b'0' => v.zero = true,
                _ => break,
            }
            i += 1;
        }
        if i >= b.len() {
            return Err(invalid(i));
        }
        v.arg = next_arg;
        if b[i] == b'[' {
            i += 1;
            if i >= b.len() {
                return Err(invalid(i));
            }
            if !(b'1'..=b'9').contains(&b[i]) {
                return Err(unrecognized(i));
            }
            v.arg = number(&mut i)?;
            if i >= b.len() {
                return Err(invalid(i));
            }
            if b[i] != b']' {
                return Err(unrecognized(i));
            }
            i += 1;
            if i >= b.len() {
                return Err(invalid(i));
            }
        }
        if b[i].is_ascii_digit() {
            v.width = Some(number(&mut i)?);
            if i >= b.len() {
                return Err(invalid(i));
            }
        }
        if b[i] == b'.' {
            i += 1;
            v.prec = Some(number(&mut i)?);
            if i >= b.len() {
                return Err(invalid(i));
            }
        }
        let c = fmt[i..].chars().next().unwrap_or('?');
        if !c.is_ascii_alphabetic() {
            return Err(unrecognized(i));
        }
        i += c.len_utf8();
        v.mode = c;
        v.raw = &fmt[start..i];
        max_used = max_used.max(v.arg);
        next_arg = v.arg + 1;
        append_verb(&v, &mut out, args).map_err(FmtError::Call)?;
        if out.len() > MAX_RESULT_BYTES {
            return Err(FmtError::Call("the formatted string would be too large".into()));
        }
    }
    if max_used < args.len() {
        return Err(FmtError::TooMany(max_used));
    }
    Ok(out)
}

fn append_verb(v: &Verb, out: &mut String, args: &[Value]) -> Result<(), String> {
    let Some(arg) = args.get(v.arg - 1) else {
        return Err(format!("not enough arguments for {:?} at {}: need index {} but have {} total", v.raw, v.offset, v.arg, args.len()));
    };
    let unsupported = |msg: &str| format!("unsupported value for {:?} at {}: {msg}", v.raw, v.offset);
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match v.mode {
        'v' => {
            let s = match arg {
                Value::String(s) if !v.sharp => s.to_string(),
                Value::Number(n) if !v.sharp => float_text(*n, 'g', None),
                _ => json_encode(arg).map_err(|e| unsupported(&e))?,
            };
            out.push_str(&pad(v, s));
        }
        't' => match arg {
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::String(s) if s == "true" || s == "false" => out.push_str(s),
            Value::String(_) => return Err(unsupported("a bool is required")),
            _ => return Err(unsupported("bool required")),
        },
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = match arg {
                Value::Number(n) => *n,
                Value::String(s) => crate::types::parse_number(s).ok_or_else(|| unsupported("a number is required"))?,
                _ => return Err(unsupported("number required")),
            };
            if matches!(v.mode, 'e' | 'E' | 'f' | 'g' | 'G') {
                out.push_str(&format_float(v, n));
            } else {
                out.push_str(&format_integer(v, n).ok_or_else(|| unsupported("an integer is required"))?);
            }
        }
        's' | 'q' => {
            let mut s = match arg {
                Value::String(s) => s.to_string(),
                Value::Number(n) => format_number(*n),
                Value::Bool(b) => b.to_string(),
                _ => return Err(unsupported("string required")),
            };
            if let Some(p) = v.prec.filter(|p| *p > 0) {
                s = graphemes(&s).take(p).collect();
            }
            if v.mode == 'q' {
                s = json_quote(&s);
            }
            out.push_str(&pad(v, s));
        }
        m => return Err(format!("unsupported format verb '{m}' in {:?} at offset {}", v.raw, v.offset)),
    }
    Ok(())
}

/// cty's `formatPadWidth`: width counted in user-perceived characters.
fn pad(v: &Verb, s: String) -> String {
    let Some(width) = v.width else { return s };
    let len = graphemes(&s).count();
    if len >= width {
        return s;
    }
    let fill = if v.zero { "0" } else { " " }.repeat(width - len);
    if v.minus {
        s + &fill
    } else {
        fill + &s
    }
}

/// A decimal form of a number: `0.d1d2...dn × 10^dp`, digits without trailing zeros.
#[derive(Clone, Debug)]
struct Decimal {
    digits: Vec<u8>,
    dp: i32,
    /// The binary value the digits stand for (used to break rounding ties).
    value: f64,
}

fn exp_digits(s: &str) -> (Vec<u8>, i32) {
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let mut digits: Vec<u8> = m.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        return (digits, 0);
    }
    (digits, e + 1)
}

impl Decimal {
    /// The shortest decimal digits of `x` (at most 15 significant, hiding binary noise the way
    /// Terraform's arbitrary-precision numbers do not have it).
    fn of(x: f64) -> Decimal {
        let a = x.abs();
        if a == 0.0 || !a.is_finite() {
            return Decimal { digits: Vec::new(), dp: 0, value: 0.0 };
        }
        let r: f64 = format!("{a:.14e}").parse().unwrap_or(a);
        let (digits, dp) = exp_digits(&format!("{r:e}"));
        Decimal { digits, dp, value: r }
    }

    /// Compares the binary value with the decimal digits exactly enough to break ties.
    fn cmp_value(&self) -> Ordering {
        let (exact, edp) = exp_digits(&format!("{:.39e}", self.value));
        if edp != self.dp {
            return edp.cmp(&self.dp);
        }
        let n = exact.len().max(self.digits.len());
        let at = |d: &[u8], i: usize| d.get(i).copied().unwrap_or(0);
        (0..n).map(|i| at(&exact, i).cmp(&at(&self.digits, i))).find(|o| *o != Ordering::Equal).unwrap_or(Ordering::Equal)
    }

    /// Rounds to `nd` significant digits (half to even on exact ties).
    fn round(&self, nd: i64) -> Decimal {
        let len = self.digits.len() as i64;
        if nd >= len {
            return self.clone();
        }
        let zero = Decimal { digits: Vec::new(), dp: 0, value: 0.0 };
        if nd < 0 {
            return zero;
        }
        let n = nd as usize;
        let first = self.digits[n];
        let up = match first.cmp(&5) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal if n + 1 < self.digits.len() => true,
            Ordering::Equal => match self.cmp_value() {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => n > 0 && self.digits[n - 1] % 2 == 1,
            },
        };
        let mut digits = self.digits[..n].to_vec();
        let mut dp = self.dp;
        if up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    dp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return zero;
        }
        Decimal { digits, dp, value: self.value }
    }

    fn digit(&self, i: i64) -> char {
        if i < 0 {
            return '0';
        }
        (b'0' + self.digits.get(i as usize).copied().unwrap_or(0)) as char
    }

    fn fmt_f(&self, prec: usize) -> String {
        let r = self.round(self.dp as i64 + prec as i64);
        let mut s = String::new();
        if r.dp > 0 {
            for i in 0..r.dp as i64 {
                s.push(r.digit(i));
            }
        } else {
            s.push('0');
        }
        if prec > 0 {
            s.push('.');
            for i in 0..prec as i64 {
                s.push(r.digit(r.dp as i64 + i));
            }
        }
        s
    }

    fn fmt_e(&self, prec: usize, sharp: bool) -> String {
        let r = self.round(prec as i64 + 1);
        let mut s = String::new();
        s.push(r.digit(0));
        if prec > 0 || sharp {
            s.push('.');
        }
        for i in 1..=prec as i64 {
            s.push(r.digit(i));
        }
        let exp = if r.digits.is_empty() { 0 } else { r.dp - 1 };
        s.push('e');
        s.push(if exp < 0 { '-' } else { '+' });
        s.push_str(&format!("{:02}", exp.unsigned_abs()));
        s
    }

    fn fmt_g(&self, prec: Option<usize>) -> String {
        let shortest = prec.is_none();
        let mut p = prec.unwrap_or(0) as i64;
        let r = if shortest {
            self.clone()
        } else {
            if p == 0 {
                p = 1;
            }
            self.round(p)
        };
        let nd = r.digits.len() as i64;
        let dp = r.dp as i64;
        let mut eprec = p;
        if eprec > nd && nd >= dp {
            eprec = nd;
        }
        if shortest {
            eprec = 6;
            p = nd;
        }
        let exp = dp - 1;
        if exp < -4 || exp >= eprec {
            if p > nd {
                p = nd;
            }
            return r.fmt_e((p - 1).max(0) as usize, false);
        }
        if p > dp {
            p = nd;
        }
        r.fmt_f((p - dp).max(0) as usize)
    }
}

/// big.Float's `Text` for one of the verbs e, f, g (no sign).
fn float_body(n: f64, mode: char, prec: Option<usize>, sharp: bool) -> String {
    if n.is_infinite() {
        return "Inf".into();
    }
    let d = Decimal::of(n);
    let s = match mode.to_ascii_lowercase() {
        'e' => d.fmt_e(prec.unwrap_or(6), sharp),
        'f' => d.fmt_f(prec.unwrap_or(6)),
        _ => d.fmt_g(prec),
    };
    if mode.is_ascii_uppercase() {
        s.to_ascii_uppercase()
    } else {
        s
    }
}

/// The `%v` text of a number (Go's `Text('g', -1)`).
fn float_text(n: f64, mode: char, prec: Option<usize>) -> String {
    let body = float_body(n, mode, prec, false);
    if n.is_sign_negative() {
        format!("-{body}")
    } else if n.is_infinite() {
        format!("+{body}")
    } else {
        body
    }
}

/// big.Float's `Format`: sign, zero or space padding.
fn format_float(v: &Verb, n: f64) -> String {
    let body = float_body(n, v.mode, v.prec, v.sharp);
    let sign = if n.is_sign_negative() {
        "-"
    } else if n.is_infinite() {
        if v.space {
            " "
        } else {
            "+"
        }
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let padding = v.width.map_or(0, |w| w.saturating_sub(sign.len() + body.len()));
    if v.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// The digits of a whole number's magnitude in `base`, exactly (f64 integers can exceed u128).
fn integer_digits(mag: f64, base: u32) -> String {
    if mag < 3.402_823_669_209_385e38 {
        let m = mag as u128;
        return match base {
            2 => format!("{m:b}"),
            8 => format!("{m:o}"),
            16 => format!("{m:x}"),
            _ => m.to_string(),
        };
    }
    // mag = mantissa × 2^exp with exp > 0: build it as little-endian u32 limbs.
    let bits = mag.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mant = (bits & ((1 << 52) - 1)) | (1 << 52);
    let mut limbs = vec![mant as u32, (mant >> 32) as u32];
    for _ in 0..exp {
        let mut carry = 0u32;
        for l in limbs.iter_mut() {
            let next = *l >> 31;
            *l = (*l << 1) | carry;
            carry = next;
        }
        if carry != 0 {
            limbs.push(carry);
        }
    }
    let mut digits = Vec::new();
    while limbs.iter().any(|l| *l != 0) {
        let mut rem = 0u64;
        for l in limbs.iter_mut().rev() {
            let cur = (rem << 32) | *l as u64;
            *l = (cur / base as u64) as u32;
            rem = cur % base as u64;
        }
        digits.push(std::char::from_digit(rem as u32, base).unwrap_or('0'));
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }
    digits.iter().rev().collect()
}

/// big.Int's `Format` for b, d, o, x, X.
fn format_integer(v: &Verb, n: f64) -> Option<String> {
    if !n.is_finite() || n.fract() != 0.0 {
        return None;
    }
    let base = match v.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = integer_digits(n.abs(), base);
    if v.mode == 'X' {
        digits = digits.to_ascii_uppercase();
    }
    let sign = if n < 0.0 {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return Some(String::new());
        }
    }
    let (mut left, mut right) = (0, 0);
    let length = sign.len() + prefix.len() + zeros + digits.len();
    if let Some(w) = v.width.filter(|w| *w > length) {
        let d = w - length;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    Some(format!("{}{sign}{prefix}{}{digits}{}", " ".repeat(left), "0".repeat(zeros), " ".repeat(right)))
}

pub(super) fn format(a: Args) -> Result<Value, FuncError> {
    match format_core(a.str(0), &a.vals[1..]) {
        Ok(s) => string(s),
        Err(FmtError::Call(m)) => Err(FuncError::call(m)),
        Err(FmtError::TooMany(0)) => Err(a.err(1, "too many arguments; no verbs in format string")),
        Err(FmtError::TooMany(n)) => Err(a.err(n + 1, format!("too many arguments; only {n} used by format string"))),
    }
}

pub(super) fn formatlist(a: Args) -> Result<Value, FuncError> {
    let fmt = match &a.vals[0] {
        Value::Unknown => return Ok(Value::Unknown),
        v => v.as_str().unwrap_or(""),
    };
    let args = &a.vals[1..];
    let run = |vals: &[Value], iteration: Option<usize>| -> Result<Value, FuncError> {
        if vals.iter().any(|v| !v.is_wholly_known()) {
            return Ok(Value::Unknown);
        }
        let prefix = iteration.map(|i| format!("error on format iteration {i}: ")).unwrap_or_default();
        match format_core(fmt, vals) {
            Ok(s) => Ok(Value::String(s.into())),
            Err(FmtError::Call(m)) => Err(FuncError::call(format!("{prefix}{m}"))),
            Err(FmtError::TooMany(0)) => Err(FuncError::call(format!("{prefix}too many arguments; no verbs in format string"))),
            Err(FmtError::TooMany(n)) => Err(FuncError::call(format!("{prefix}too many arguments; only {n} used by format string"))),
        }
    };
    if args.is_empty() {
        return Ok(Value::List(vec![run(&[], None)?]));
    }
    let mut iter_len: Option<(usize, usize)> = None;
    for (i, arg) in args.iter().enumerate() {
        match arg {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => match iter_len {
                None => iter_len = Some((xs.len(), i)),
                Some((len, chooser)) if len != xs.len() => {
                    return Err(a.err(
                        i + 1,
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {}",
                            i + 1,
                            xs.len(),
                            chooser + 1,
                            len
                        ),
                    ))
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    let n = iter_len.map_or(1, |(len, _)| len);
    let mut out = Vec::with_capacity(n);
    for it in 0..n {
        let vals: Vec<Value> =
            args.iter().map(|arg| if arg.is_seq() { arg.as_seq().unwrap_or(&[])[it].clone() } else { arg.clone() }).collect();
        out.push(run(&vals, Some(it))?);
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use crate::functions::{call, FuncContext};
    use crate::Value;

    fn f(name: &str, args: Vec<Value>) -> Result<Value, crate::functions::FuncError> {
        call(name, args, &FuncContext::default())
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }
    fn fmt(pattern: &str, args: Vec<Value>) -> String {
        let mut all = vec![s(pattern)];
        all.extend(args);
        match f("format", all) {
            Ok(Value::String(s)) => s.into(),
            other => panic!("format({pattern:?}) gave {other:?}"),
        }
    }
    fn fmt_err(pattern: &str, args: Vec<Value>) -> String {
        let mut all = vec![s(pattern)];
        all.extend(args);
        f("format", all).unwrap_err().message
    }

    #[test]
    fn format_verbs_match_terraform() {
        assert_eq!(fmt("%5.2f", vec![n(3.14259)]), " 3.14");
        assert_eq!(fmt("%e", vec![n(1234.5)]), "1.234500e+03");
        assert_eq!(fmt("%g", vec![n(0.000012)]), "1.2e-05");
        assert_eq!(fmt("%v", vec![n(1000000.0)]), "1e+06");
        assert_eq!(fmt("%v", vec![n(123456789.0)]), "1.23456789e+08");
        assert_eq!(fmt("%.0f", vec![n(2.5)]), "2");
        assert_eq!(fmt("%.0f", vec![n(3.5)]), "4");
        assert_eq!(fmt("%.1f", vec![n(0.05)]), "0.1");
        assert_eq!(fmt("%.1f", vec![n(0.25)]), "0.2");
        assert_eq!(fmt("%.20f", vec![n(0.1)]), "0.10000000000000000000");
        assert_eq!(fmt("%f", vec![n(1e20)]), "100000000000000000000.000000");
        assert_eq!(fmt("%x", vec![n(1e20)]), "56bc75e2d63100000");
        assert_eq!(fmt("%d", vec![n(1e40)]), "10000000000000000303786028427003666890752");
        assert_eq!(fmt("%.3g", vec![n(1234.5678)]), "1.23e+03");
        assert_eq!(fmt("%G", vec![n(1e-10)]), "1E-10");
        assert_eq!(fmt("%E", vec![n(123456789.0)]), "1.234568E+08");
        assert_eq!(fmt("%08.3f", vec![n(-3.14259)]), "-003.143");
        assert_eq!(fmt("%+.2f", vec![n(3.0)]), "+3.00");
        assert_eq!(fmt("%-05d|", vec![n(3.0)]), "3    |");
        assert_eq!(fmt("%+05d", vec![n(7.0)]), "+0007");
        assert_eq!(fmt("%.3d", vec![n(7.0)]), "007");
        assert_eq!(fmt("%#x", vec![n(255.0)]), "0xff");
        assert_eq!(fmt("%#o", vec![n(8.0)]), "010");
        assert_eq!(fmt("%b", vec![n(-5.0)]), "-101");
        assert_eq!(fmt("%05v", vec![n(-1.0)]), "000-1");
        assert_eq!(fmt("%5t|", vec![Value::Bool(true)]), "true|");
        assert_eq!(fmt("%q", vec![s("<&>\u{2028}")]), "\"\\u003c\\u0026\\u003e\\u2028\"");
        assert_eq!(fmt("%5.1s|", vec![s("héllo")]), "    h|");
        assert_eq!(fmt("%[2]d %d", vec![n(1.0), n(2.0), n(3.0)]), "2 3");
        assert_eq!(fmt("%v", vec![Value::Tuple(vec![n(1.0), s("a")])]), "[1,\"a\"]");
        assert_eq!(fmt("%e", vec![n(0.0)]), "0.000000e+00");
        assert_eq!(fmt("%g", vec![n(0.0)]), "0");
    }

    #[test]
    fn format_errors_match_terraform() {
        assert_eq!(fmt_err("%", vec![]), "invalid format string starting at offset 1");
        assert_eq!(fmt_err("%*d", vec![n(1.0)]), "unrecognized format character '*' at offset 1");
        assert_eq!(fmt_err("%[0]s", vec![s("a")]), "unrecognized format character '0' at offset 2");
        assert_eq!(fmt_err("%z", vec![n(1.0)]), "unsupported format verb 'z' in \"%z\" at offset 0");
        assert_eq!(fmt_err("%[3]s", vec![s("a")]), "not enough arguments for \"%[3]s\" at 0: need index 3 but have 1 total");
        assert_eq!(fmt_err("%x", vec![n(1.5)]), "unsupported value for \"%x\" at 0: an integer is required");
        assert_eq!(fmt_err("%d", vec![s("x")]), "unsupported value for \"%d\" at 0: a number is required");
        assert_eq!(
            fmt_err("%s", vec![s("a"), s("b")]),
            "Invalid value for \"args\" parameter: too many arguments; only 1 used by format string."
        );
        assert!(fmt_err("%99999999999d", vec![n(1.0)]).contains("too large"));
        assert_eq!(f("format", vec![s("%s"), Value::Unknown]).unwrap(), Value::Unknown);
    }

    #[test]
    fn formatlist_iterates() {
        let got = f("formatlist", vec![s("%s-%s"), s("x"), Value::Tuple(vec![s("1"), s("2")])]).unwrap();
        assert_eq!(got, Value::List(vec![s("x-1"), s("x-2")]));
        let got = f("formatlist", vec![s("%s"), Value::Tuple(vec![s("a"), Value::Unknown])]).unwrap();
        assert_eq!(got, Value::List(vec![s("a"), Value::Unknown]));
        let e = f("formatlist", vec![s("%s-%s"), Value::Tuple(vec![s("a")]), Value::Tuple(vec![s("1"), s("2")])]).unwrap_err();
        assert!(e.message.contains("argument 2 has length 2, which is inconsistent with argument 1 of length 1"));
    }

    #[test]
    fn regex_translation_is_re2_like() {
        assert_eq!(f("regex", vec![s("\\w+"), s("añb")]).unwrap(), s("a"));
        assert_eq!(f("replace", vec![s("añb"), s("/\\w/"), s("#")]).unwrap(), s("#ñ#"));
        assert_eq!(f("regex", vec![s("\\bfoo\\b"), s("a foo b")]).unwrap(), s("foo"));
        assert_eq!(f("regex", vec![s("[[:alpha:]]+"), s("añb")]).unwrap(), s("a"));
        assert_eq!(f("regex", vec![s("\\Qa.b\\E"), s("xa.b")]).unwrap(), s("a.b"));
        assert_eq!(f("regex", vec![s("[]a]+"), s("x]a]")]).unwrap(), s("]a]"));
        assert_eq!(f("regexall", vec![s("a*"), s("baaab")]).unwrap(), Value::List(vec![s(""), s("aaa"), s("")]));
        assert_eq!(f("replace", vec![s("abc"), s("/b*/"), s("x")]).unwrap(), s("xaxcx"));
        assert_eq!(f("replace", vec![s("abc"), s("/(b)/"), s("$1x")]).unwrap(), s("ac"));
        assert_eq!(f("replace", vec![s("abc"), s("/(b)/"), s("${1}x")]).unwrap(), s("abxc"));
        assert!(f("regex", vec![s("["), s("a")]).unwrap_err().message.contains("invalid regexp pattern: missing closing ] in ["));
        assert_eq!(f("replace", vec![s("a"), s("/x(y/"), s("")]).unwrap_err().message, "error parsing regexp: missing closing ): `x(y`");
        assert!(f("regex", vec![s("(?P<a>x)(y)"), s("xy")]).unwrap_err().message.contains("cannot mix"));
    }

    #[test]
    fn huge_results_are_refused() {
        assert!(f("indent", vec![n(1e12), s("a\nb")]).is_err());
        assert!(f("indent", vec![n(-1.0), s("a\nb")]).is_err());
        assert!(f("replace", vec![s(&"a".repeat(1000)), s(""), s(&"x".repeat(100_000))]).is_err());
        assert!(f("format", vec![s("%1000000000d"), n(1.0)]).is_err());
    }

    #[test]
    fn case_mapping_like_go() {
        assert_eq!(f("upper", vec![s("straße ǆ ŉ")]).unwrap(), s("STRAßE Ǆ ŉ"));
        assert_eq!(f("lower", vec![s("İ ΣΑΣ")]).unwrap(), s("i σασ"));
        assert_eq!(f("title", vec![s("ǆa hello\tworld  x'y ñ1a 1a")]).unwrap(), s("ǅa Hello\tWorld  X'Y Ñ1a 1a"));
        assert_eq!(f("upper", vec![n(5.0)]).unwrap(), s("5"));
    }
}
