//! YAML for `yamlencode` and `yamldecode`, matching Terraform's go-cty-yaml: output written the
//! way its libyaml-derived emitter writes it (double-quoted strings, literal blocks for
//! multi-line strings, folding at 80 columns), input read with libyaml itself and resolved
//! with YAML 1.1 rules (`yes`/`on` are booleans, timestamps become RFC 3339 strings, `<<`
//! merges mappings).

use std::collections::{BTreeMap, HashMap};
use std::ffi::CStr;
use std::mem::MaybeUninit;

use super::encoding::go_base64_decode;
use crate::types::parse_number;
use crate::value::format_number;
use crate::Value;

// ------------------------------------------------------------------ encoding

const BEST_WIDTH: usize = 80;
const INDENT: usize = 2;

struct Emitter {
    out: String,
    column: usize,
    /// The document ends open (a plain root scalar) and needs a `...` marker.
    open_ended: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable`.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A || (0x20..=0x7E).contains(&u) || (0xA0..=0xD7FF).contains(&u) || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

enum Style {
    Double,
    Literal,
}

/// go-cty-yaml asks for a literal block when the string has a newline; libyaml falls back to
/// double quotes where a block cannot represent the string.
fn string_style(s: &str, simple_key: bool) -> Style {
    if !s.contains('\n') || simple_key {
        return Style::Double;
    }
    let chars: Vec<char> = s.chars().collect();
    let trailing_space = chars.last() == Some(&' ');
    let special = chars.iter().any(|c| !is_printable(*c) || *c == '\u{FEFF}');
    let space_break = chars.windows(2).any(|w| w[0] == ' ' && is_break(w[1]));
    if trailing_space || special || space_break {
        Style::Double
    } else {
        Style::Literal
    }
}

/// A mapping key is written inline only when short and on one line.
fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.chars().any(is_break)
}

impl Emitter {
    fn put(&mut self, s: &str) {
        for c in s.chars() {
            self.out.push(c);
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        if !s.is_empty() {
            self.open_ended = false;
        }
    }

    /// Starts a new line at `indent` unless already at the start of an empty line there.
    fn newline(&mut self, indent: usize) {
        if self.column != 0 || (!self.out.is_empty() && !self.out.ends_with('\n')) {
            self.put("\n");
        }
        let pad = " ".repeat(indent.saturating_sub(self.column));
        self.put(&pad);
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.put("\"");
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                let esc = match c {
                    '\0' => "\\0".to_string(),
                    '\u{7}' => "\\a".into(),
                    '\u{8}' => "\\b".into(),
                    '\t' => "\\t".into(),
                    '\n' => "\\n".into(),
                    '\u{b}' => "\\v".into(),
                    '\u{c}' => "\\f".into(),
                    '\r' => "\\r".into(),
                    '\u{1b}' => "\\e".into(),
                    '"' => "\\\"".into(),
                    '\\' => "\\\\".into(),
                    '\u{85}' => "\\N".into(),
                    '\u{a0}' => "\\_".into(),
                    '\u{2028}' => "\\L".into(),
                    '\u{2029}' => "\\P".into(),
                    c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                self.put(&esc);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < chars.len() {
                    self.put("\n");
                    self.put(&" ".repeat(indent));
                    if chars[i + 1] == ' ' {
                        self.put("\\");
                    }
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.put(c.encode_utf8(&mut buf));
                spaces = false;
            }
        }
        self.put("\"");
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.put("|");
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
            self.put(&INDENT.to_string());
        }
        match chars.last() {
            None => self.put("-"),
            Some(c) if !is_break(*c) => self.put("-"),
            Some(_) if chars.len() == 1 || is_break(chars[chars.len() - 2]) => self.put("+"),
            Some(_) => {}
        }
        self.put("\n");
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                if c == '\n' {
                    self.put("\n");
                } else {
                    let mut buf = [0u8; 4];
                    self.out.push_str(c.encode_utf8(&mut buf));
                    self.column = 0;
                }
                breaks = true;
            } else {
                if breaks {
                    self.put(&" ".repeat(indent));
                }
                let mut buf = [0u8; 4];
                self.put(c.encode_utf8(&mut buf));
                breaks = false;
            }
        }
    }

    /// A scalar; `indent` is where continuation lines of the scalar go.
    fn scalar(&mut self, v: &Value, indent: usize, simple_key: bool) -> Result<(), String> {
        match v {
            Value::Null => self.put("null"),
            Value::Bool(b) => self.put(if *b { "true" } else { "false" }),
            Value::Number(n) if n.is_infinite() => self.put(if *n > 0.0 { "+.Inf" } else { "-.Inf" }),
            Value::Number(n) if n.is_nan() => return Err("cannot serialize NaN as YAML".into()),
            Value::Number(n) => self.put(&format_number(*n)),
            Value::String(s) => match string_style(s, simple_key) {
                Style::Double => self.double_quoted(s, indent, !simple_key),
                Style::Literal => self.literal(s, indent),
            },
            Value::Unknown => return Err("cannot serialize unknown value as YAML".into()),
            _ => return Err("not a scalar".into()),
        }
        Ok(())
    }

    /// A node written after an indicator on the current line (`key:`, `- `, `? `);
    /// `indent` is the indentation of the collection that owns the indicator.
    fn node_after(&mut self, v: &Value, indent: usize, in_mapping: bool) -> Result<(), String> {
        match v {
            Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) if !xs.is_empty() => {
                if in_mapping {
                    self.sequence(xs, indent, false)
                } else {
                    self.sequence(xs, indent + INDENT, true)
                }
            }
            Value::Map(m) | Value::Object(m) if !m.is_empty() => self.mapping(m, indent + INDENT, !in_mapping),
            _ => {
                if self.column > 0 && !self.out.ends_with(' ') {
                    self.put(" ");
                }
                match v {
                    Value::List(_) | Value::Tuple(_) | Value::Set(_) => self.put("[]"),
                    Value::Map(_) | Value::Object(_) => self.put("{}"),
                    _ => self.scalar(v, indent + INDENT, false)?,
                }
                Ok(())
            }
        }
    }

    fn sequence(&mut self, xs: &[Value], indent: usize, first_inline: bool) -> Result<(), String> {
        for (i, x) in xs.iter().enumerate() {
            if i > 0 || !first_inline {
                self.newline(indent);
            }
            self.put("- ");
            self.node_after(x, indent, false)?;
        }
        Ok(())
    }

    fn mapping(&mut self, m: &crate::Entries<crate::Key, Value>, indent: usize, first_inline: bool) -> Result<(), String> {
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 || !first_inline {
                self.newline(indent);
            }
            if is_simple_key(k) {
                self.double_quoted(k, indent + INDENT, false);
                self.put(":");
            } else {
                self.put("? ");
                self.scalar(&Value::String(k.clone()), indent + INDENT, false)?;
                self.newline(indent);
                self.put(":");
            }
            self.node_after(v, indent, true)?;
        }
        Ok(())
    }
}

/// Terraform's `yamlencode`.
pub(crate) fn encode(v: &Value) -> Result<String, String> {
    let mut e = Emitter { out: String::new(), column: 0, open_ended: false };
    match v {
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) if !xs.is_empty() => e.sequence(xs, 0, true)?,
        Value::Map(m) | Value::Object(m) if !m.is_empty() => e.mapping(m, 0, true)?,
        Value::List(_) | Value::Tuple(_) | Value::Set(_) => e.put("[]"),
        Value::Map(_) | Value::Object(_) => e.put("{}"),
        Value::String(_) => e.scalar(v, INDENT, false)?,
        _ => {
            e.scalar(v, INDENT, false)?;
            e.open_ended = true;
        }
    }
    let open = e.open_ended;
    if e.column != 0 {
        e.put("\n");
    }
    if open {
        e.out.push_str("...\n");
    }
    Ok(e.out)
}

// ------------------------------------------------------------------ decoding

const TAG_PREFIX: &str = "tag:yaml.org,2002:";
const STR_TAG: &str = "tag:yaml.org,2002:str";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const MAP_TAG: &str = "tag:yaml.org,2002:map";
const SEQ_TAG: &str = "tag:yaml.org,2002:seq";
const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// The deepest nesting and the most values (counting alias copies) a document may produce.
const MAX_DEPTH: usize = 200;
const MAX_NODES: usize = 1_000_000;

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

#[derive(Debug)]
enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias { anchor: String },
    Scalar { anchor: String, tag: String, value: String, plain: bool },
    SequenceStart { anchor: String, tag: String },
    SequenceEnd,
    MappingStart { anchor: String, tag: String },
    MappingEnd,
}

struct Positioned {
    event: Event,
    line: u64,
    column: u64,
}

/// A safe wrapper over libyaml's event parser.
struct Parser {
    parser: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    _input: Box<[u8]>,
    done: bool,
}

unsafe fn c_string(p: *const u8) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p.cast()).to_string_lossy().into_owned()
    }
}

impl Parser {
    fn new(src: &str) -> Result<Parser, String> {
        let input: Box<[u8]> = src.as_bytes().into();
        let mut parser = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        // SAFETY: `parser` is heap-allocated and never moves; libyaml initialises it, and the
        // input buffer lives in `self` for as long as the parser does.
        unsafe {
            if unsafe_libyaml::yaml_parser_initialize(parser.as_mut_ptr()).fail {
                return Err("failed to initialize YAML parser".into());
            }
            unsafe_libyaml::yaml_parser_set_input_string(parser.as_mut_ptr(), input.as_ptr(), input.len() as u64);
        }
        Ok(Parser { parser, _input: input, done: false })
    }

    fn error(&self) -> String {
        // SAFETY: the parser was initialised in `new` and is only read here.
        unsafe {
            let p = &*self.parser.as_ptr();
            let problem = c_string(p.problem.cast());
            let cause = if problem.is_empty() { "invalid YAML syntax".to_string() } else { problem };
            if p.problem_mark.line != 0 {
                let (mut line, mut column) = (p.problem_mark.line, p.problem_mark.column);
                if p.error == unsafe_libyaml::YAML_SCANNER_ERROR {
                    line += 1;
                    column = 0;
                }
                format!("on line {line}, column {}: {cause}", column + 1)
            } else if p.context_mark.line != 0 {
                format!("on line {}, column {}: {cause}", p.context_mark.line, p.context_mark.column + 1)
            } else {
                cause
            }
        }
    }

    fn next(&mut self) -> Result<Positioned, String> {
        if self.done {
            return Err("unexpected end of YAML stream".into());
        }
        let mut ev = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: libyaml fills `ev` when parsing succeeds; every pointer read below belongs
        // to that event and is copied before `yaml_event_delete` frees it.
        unsafe {
            if unsafe_libyaml::yaml_parser_parse(self.parser.as_mut_ptr(), ev.as_mut_ptr()).fail {
                self.done = true;
                return Err(self.error());
            }
            let e = &*ev.as_ptr();
            let event = match e.type_ {
                unsafe_libyaml::YAML_STREAM_START_EVENT => Event::StreamStart,
                unsafe_libyaml::YAML_STREAM_END_EVENT => {
                    self.done = true;
                    Event::StreamEnd
                }
                unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                unsafe_libyaml::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
                unsafe_libyaml::YAML_ALIAS_EVENT => Event::Alias { anchor: c_string(e.data.alias.anchor) },
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let s = e.data.scalar;
                    let bytes = if s.value.is_null() { &[][..] } else { std::slice::from_raw_parts(s.value, s.length as usize) };
                    Event::Scalar {
                        anchor: c_string(s.anchor),
                        tag: c_string(s.tag),
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        plain: s.style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE,
                    }
                }
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                    Event::SequenceStart { anchor: c_string(e.data.sequence_start.anchor), tag: c_string(e.data.sequence_start.tag) }
                }
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                    Event::MappingStart { anchor: c_string(e.data.mapping_start.anchor), tag: c_string(e.data.mapping_start.tag) }
                }
                unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                _ => Event::StreamEnd,
            };
            let (line, column) = (e.start_mark.line, e.start_mark.column);
            unsafe_libyaml::yaml_event_delete(ev.as_mut_ptr());
            Ok(Positioned { event, line, column })
        }
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: initialised in `new` (construction fails otherwise), deleted exactly once.
        unsafe { unsafe_libyaml::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

fn at(p: &Positioned, msg: impl std::fmt::Display) -> String {
    format!("on line {}, column {}: {msg}", p.line, p.column + 1)
}

struct Decoder {
    parser: Parser,
    pending: HashMap<String, usize>,
    anchors: HashMap<String, (Value, usize)>,
    nodes: usize,
}

fn size(v: &Value) -> usize {
    match v {
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => 1 + xs.iter().map(size).sum::<usize>(),
        Value::Map(m) | Value::Object(m) => 1 + m.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

impl Decoder {
    fn count(&mut self, n: usize) -> Result<(), String> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err("the YAML document expands to too many values".into());
        }
        Ok(())
    }

    fn begin_anchor(&mut self, name: &str) {
        if !name.is_empty() {
            *self.pending.entry(name.to_string()).or_default() += 1;
        }
    }

    fn complete_anchor(&mut self, name: &str, v: &Value) {
        if name.is_empty() {
            return;
        }
        if let Some(n) = self.pending.get_mut(name) {
            *n -= 1;
            if *n == 0 {
                self.pending.remove(name);
            }
        }
        self.anchors.insert(name.to_string(), (v.clone(), size(v)));
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        let ev = self.parser.next()?;
        self.value_from(ev, depth)
    }

    fn value_from(&mut self, ev: Positioned, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(at(&ev, "value is nested too deeply"));
        }
        self.count(1)?;
        match &ev.event {
            Event::Scalar { anchor, tag, value, plain } => {
                self.begin_anchor(anchor);
                let v = resolve(tag, value, *plain).map_err(|e| at(&ev, e))?;
                self.complete_anchor(anchor, &v);
                Ok(v)
            }
            Event::Alias { anchor } => {
                if self.pending.contains_key(anchor) {
                    return Err(at(&ev, format!("cannot refer to anchor {anchor:?} from inside its own definition")));
                }
                let Some((v, n)) = self.anchors.get(anchor).cloned() else {
                    return Err(at(&ev, format!("reference to undefined anchor {anchor:?}")));
                };
                self.count(n)?;
                Ok(v)
            }
            Event::SequenceStart { anchor, tag } => {
                if !tag.is_empty() && tag != SEQ_TAG {
                    return Err(at(&ev, format!("can't interpret sequence as {}", short_tag(tag))));
                }
                let anchor = anchor.clone();
                self.begin_anchor(&anchor);
                let mut items = Vec::new();
                loop {
                    let next = self.parser.next()?;
                    if matches!(next.event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.value_from(next, depth + 1)?);
                }
                let v = Value::Tuple(items);
                self.complete_anchor(&anchor, &v);
                Ok(v)
            }
            Event::MappingStart { anchor, tag } => {
                if !tag.is_empty() && tag != MAP_TAG {
                    return Err(at(&ev, format!("can't interpret mapping as {}", short_tag(tag))));
                }
                let anchor = anchor.clone();
                self.begin_anchor(&anchor);
                let mut attrs = BTreeMap::new();
                loop {
                    let key_ev = self.parser.next()?;
                    let (tag, value, plain) = match &key_ev.event {
                        Event::MappingEnd => break,
                        Event::Scalar { tag, value, plain, .. } => (tag.clone(), value.clone(), *plain),
                        _ => return Err(at(&key_ev, "only strings are allowed as mapping keys")),
                    };
                    if plain && value == "<<" && (tag.is_empty() || tag == MERGE_TAG) {
                        match self.value(depth + 1)? {
                            Value::Object(m) | Value::Map(m) => attrs.extend(m),
                            other => return Err(format!("cannot merge {} into mapping", super::conversion::friendly_value(&other))),
                        }
                        continue;
                    }
                    let key = match resolve(&tag, &value, plain).map_err(|e| at(&key_ev, e))? {
                        Value::String(s) => s.to_string(),
                        Value::Number(n) => format_number(n),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => return Err(at(&key_ev, "mapping key cannot be null")),
                        _ => return Err(at(&key_ev, "only strings are allowed as mapping keys")),
                    };
                    let v = self.value(depth + 1)?;
                    attrs.insert(key.into(), v);
                }
                let v = Value::Object(attrs.into());
                self.complete_anchor(&anchor, &v);
                Ok(v)
            }
            Event::DocumentStart => Err(at(&ev, "only a single document is allowed")),
            Event::StreamEnd => Err(at(&ev, "expecting value but found end of stream")),
            other => Err(at(&ev, format!("unexpected parser event {other:?}"))),
        }
    }
}

/// Terraform's `yamldecode`.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let src = if src.is_empty() { "\n" } else { src };
    let mut d = Decoder { parser: Parser::new(src)?, pending: HashMap::new(), anchors: HashMap::new(), nodes: 0 };
    let ev = d.parser.next()?;
    if !matches!(ev.event, Event::StreamStart) {
        return Err(at(&ev, "missing stream start token"));
    }
    let ev = d.parser.next()?;
    if !matches!(ev.event, Event::DocumentStart) {
        return Err(at(&ev, "missing start of document"));
    }
    let v = d.value(0)?;
    let ev = d.parser.next()?;
    match ev.event {
        Event::DocumentEnd => {}
        Event::DocumentStart => return Err(at(&ev, "only a single document is allowed")),
        _ => return Err(at(&ev, "unexpected extra content after value")),
    }
    let ev = d.parser.next()?;
    if !matches!(ev.event, Event::StreamEnd) {
        return Err(at(&ev, "unexpected extra content after value"));
    }
    Ok(v)
}

fn resolvable(tag: &str) -> bool {
    matches!(tag, "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG | BINARY_TAG)
}

fn resolve_known(src: &str) -> Option<(Value, &'static str)> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => (Value::Bool(true), BOOL_TAG),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => (Value::Bool(false), BOOL_TAG),
        "" | "~" | "null" | "Null" | "NULL" => (Value::Null, NULL_TAG),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => (Value::Number(f64::INFINITY), FLOAT_TAG),
        "-.inf" | "-.Inf" | "-.INF" => (Value::Number(f64::NEG_INFINITY), FLOAT_TAG),
        _ => return None,
    })
}

fn resolve_number(src: &str) -> Option<f64> {
    if let Some(n) = parse_number(src) {
        return Some(n);
    }
    let (digits, radix) = if let Some(h) = src.strip_prefix("0x") {
        (h, 16)
    } else if let Some(o) = src.strip_prefix("0o") {
        (o, 8)
    } else {
        return None;
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u128::from_str_radix(digits, radix).ok().map(|n| n as f64)
}

fn resolve(tag: &str, src: &str, plain: bool) -> Result<Value, String> {
    if !resolvable(tag) {
        return Err(format!("unsupported tag {:?}", short_tag(tag)));
    }
    if tag == BINARY_TAG {
        if go_base64_decode(src).is_none() {
            return Err(format!("cannot parse {src:?} as {}: not valid base64", short_tag(tag)));
        }
        return Ok(Value::string(src));
    }
    if !plain || tag == STR_TAG {
        return Ok(Value::string(src));
    }
    if tag == NULL_TAG {
        return Ok(Value::Null);
    }
    if let Some((v, vtag)) = resolve_known(src) {
        if tag.is_empty() || tag == vtag {
            return Ok(v);
        }
    }
    if matches!(src, ".nan" | ".NaN" | ".NAN") {
        return Err("floating point NaN is not supported".into());
    }
    if (tag.is_empty() || tag == TIMESTAMP_TAG) && src.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some(t) = parse_timestamp(src) {
            return Ok(Value::String(t.into()));
        }
    }
    if tag.is_empty() || tag == INT_TAG || tag == FLOAT_TAG {
        if let Some(n) = resolve_number(src) {
            return Ok(Value::Number(n));
        }
    }
    if tag.is_empty() {
        Ok(Value::string(src))
    } else {
        Err(format!("cannot parse {src:?} as {}", short_tag(tag)))
    }
}

fn small_number(s: &str, max_digits: usize) -> Option<u32> {
    (!s.is_empty() && s.len() <= max_digits && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// The YAML timestamps go-cty-yaml accepts, rendered as RFC 3339 (without fractional seconds,
/// like Go's `time.RFC3339` layout).
fn parse_timestamp(s: &str) -> Option<String> {
    if s.len() < 5 || !s[..4].bytes().all(|b| b.is_ascii_digit()) || s.as_bytes()[4] != b'-' {
        return None;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((&s[i + 1..], s.as_bytes()[i] != b' '))),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let year = small_number(parts.next()?, 4)?;
    let month = small_number(parts.next()?, 2)?;
    let day = small_number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    if day < 1 || day > days {
        return None;
    }
    let (mut h, mut m, mut sec, mut zone) = (0, 0, 0, "Z".to_string());
    if let Some((t, zoned)) = time {
        let end = t.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(t.len());
        let (clock, z) = t.split_at(end);
        let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
        if clock.contains('.') && (frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let mut hp = hms.split(':');
        h = small_number(hp.next()?, 2)?;
        m = small_number(hp.next()?, 2)?;
        sec = small_number(hp.next()?, 2)?;
        if hp.next().is_some() || h > 23 || m > 59 || sec > 59 {
            return None;
        }
        if zoned {
            if z == "Z" {
                zone = "Z".into();
            } else {
                let b = z.as_bytes();
                let ok = b.len() == 6
                    && (b[0] == b'+' || b[0] == b'-')
                    && b[3] == b':'
                    && small_number(&z[1..3], 2).is_some_and(|x| x < 24)
                    && small_number(&z[4..6], 2).is_some_and(|x| x < 60);
                if !ok {
                    return None;
                }
                zone = if &z[1..] == "00:00" { "Z".into() } else { z.to_string() };
            }
        } else if !z.is_empty() {
            return None;
        }
    }
    Some(format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}{zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn encode_matches_terraform() {
        let v = obj(&[("a", s("line1\nline2")), ("b", s("trailing\n\n")), ("c", s(" leading\nx")), ("d", s("x \ny"))]);
        assert_eq!(
            encode(&v).unwrap(),
            "\"a\": |-\n  line1\n  line2\n\"b\": |+\n  trailing\n\n\"c\": |2-\n   leading\n  x\n\"d\": \"x \\ny\"\n"
        );
        let v = Value::Tuple(vec![
            s("a\nb"),
            obj(&[("x", n(1.0)), ("y", Value::Tuple(vec![n(1.0), n(2.0)]))]),
            Value::Tuple(vec![Value::Tuple(vec![n(1.0), n(2.0)]), Value::Tuple(vec![])]),
            obj(&[]),
        ]);
        assert_eq!(encode(&v).unwrap(), "- |-\n  a\n  b\n- \"x\": 1\n  \"y\":\n  - 1\n  - 2\n- - - 1\n    - 2\n  - []\n- {}\n");
        assert_eq!(encode(&n(1.5)).unwrap(), "1.5\n...\n");
        assert_eq!(encode(&Value::Null).unwrap(), "null\n...\n");
        assert_eq!(encode(&s("x\n\n")).unwrap(), "|+\n  x\n\n");
        assert_eq!(encode(&obj(&[("a", s("x\n\n"))])).unwrap(), "\"a\": |+\n  x\n\n");
        assert_eq!(encode(&s("\n")).unwrap(), "|2+\n\n");
        assert_eq!(encode(&s("a\n  b\n")).unwrap(), "|\n  a\n    b\n");
        assert_eq!(encode(&s("😀")).unwrap(), "\"\\U0001F600\"\n");
        assert_eq!(encode(&s("tab\there é \u{1} \u{2028}")).unwrap(), "\"tab\\there é \\x01 \\L\"\n");
        let nested = obj(&[
            ("a", obj(&[("b", obj(&[("c", s("d"))]))])),
            ("e", Value::Tuple(vec![obj(&[("f", n(1.0)), ("g", Value::Tuple(vec![n(1.0)]))])])),
        ]);
        assert_eq!(encode(&nested).unwrap(), "\"a\":\n  \"b\":\n    \"c\": \"d\"\n\"e\":\n- \"f\": 1\n  \"g\":\n  - 1\n");
        let long = obj(&[("long", s("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation"))]);
        assert_eq!(
            encode(&long).unwrap(),
            "\"long\": \"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud\n  exercitation\"\n"
        );
        let keys = obj(&[("a\nb", n(1.0)), (&format!("k{}", "x".repeat(130)), n(2.0))]);
        assert_eq!(encode(&keys).unwrap(), format!("? |-\n  a\n  b\n: 1\n? \"k{}\"\n: 2\n", "x".repeat(130)));
    }

    #[test]
    fn decode_resolves_yaml_1_1() {
        let v = decode("a: \"yes\"\nb: '123'\nc: !!str 5\nd: 0o17\ne: 017\nf: 1_000\ng: .5\nh: +1\ni: 0b101\nj: yes\nk: 0x1F").unwrap();
        assert_eq!(
            v,
            obj(&[
                ("a", s("yes")),
                ("b", s("123")),
                ("c", s("5")),
                ("d", n(15.0)),
                ("e", n(17.0)),
                ("f", s("1_000")),
                ("g", n(0.5)),
                ("h", n(1.0)),
                ("i", s("0b101")),
                ("j", Value::Bool(true)),
                ("k", n(31.0)),
            ])
        );
        let v = decode("- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10\n- 2002-2-3\n- 2002-02-30\n- '2002-01-01'").unwrap();
        assert_eq!(
            v,
            Value::Tuple(vec![
                s("2001-12-14T21:59:43-05:00"),
                s("2001-12-14T21:59:43Z"),
                s("2002-02-03T00:00:00Z"),
                s("2002-02-30"),
                s("2002-01-01"),
            ])
        );
        assert_eq!(decode("b: 2\n<<: {b: 1, c: 3}").unwrap(), obj(&[("b", n(1.0)), ("c", n(3.0))]));
        assert_eq!(decode("a: &x 1\nb: *x").unwrap(), obj(&[("a", n(1.0)), ("b", n(1.0))]));
        assert_eq!(decode("--- 5\n...").unwrap(), n(5.0));
        assert_eq!(
            decode("a: !!int \"12\"\nd: !!null x\ne: !!str\nf:").unwrap(),
            obj(&[("a", s("12")), ("d", Value::Null), ("e", s("")), ("f", Value::Null)])
        );
    }

    #[test]
    fn decode_errors() {
        assert_eq!(decode("a: 1\nb").unwrap_err(), "on line 3, column 1: could not find expected ':'");
        assert_eq!(decode("a: [1").unwrap_err(), "on line 1, column 1: did not find expected ',' or ']'");
        assert_eq!(decode("a: 1\n---\nb: 2").unwrap_err(), "on line 1, column 1: unexpected extra content after value");
        assert_eq!(decode("# just a comment").unwrap_err(), "on line 1, column 1: missing start of document");
        assert_eq!(decode("? a\n: 1\n~: z").unwrap_err(), "on line 2, column 1: mapping key cannot be null");
        assert!(decode("").is_err());
        assert!(decode("a: *x").unwrap_err().contains("reference to undefined anchor \"x\""));
        assert!(decode("a: &a [1, *a]").unwrap_err().contains("from inside its own definition"));
        assert!(decode("a: !foo x").unwrap_err().contains("unsupported tag \"!foo\""));
        assert!(decode("- .NaN").unwrap_err().contains("NaN is not supported"));
        assert!(decode("<<: [{a: 1}]").unwrap_err().contains("cannot merge tuple into mapping"));
        let bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]";
        assert!(decode(bomb).unwrap_err().contains("too many values"));
        assert!(decode(&"[".repeat(5000)).is_err());
    }
}
