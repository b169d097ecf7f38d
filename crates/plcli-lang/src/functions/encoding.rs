//! Encoding functions: base64encode base64decode jsonencode jsondecode yamlencode yamldecode
//! urlencode csvdecode.

use std::collections::BTreeMap;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::{yaml, Args, FuncError};
use crate::value::format_number;
use crate::Value;

/// Go's `base64.StdEncoding` for decoding: padding required, non-zero trailing bits accepted.
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true).with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

pub(super) fn base64encode(a: Args) -> Result<Value, FuncError> {
    Ok(Value::String(STANDARD.encode(a.str(0)).into()))
}

/// Decodes like Go's `base64.StdEncoding.DecodeString` (which skips `\r` and `\n`).
pub(crate) fn go_base64_decode(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    GO_STD.decode(cleaned).ok()
}

pub(super) fn base64decode(a: Args) -> Result<Value, FuncError> {
    let s = a.str(0);
    let bytes = go_base64_decode(s).ok_or_else(|| FuncError::call(format!("failed to decode base64 data {s:?}")))?;
    String::from_utf8(bytes)
        .map(Value::string)
        .map_err(|_| FuncError::call("the result of decoding the provided string is not valid UTF-8"))
}

/// A JSON string literal escaped as Go's `encoding/json` does (`<`, `>`, `&`, U+2028 and
/// U+2029 as `\u` escapes).
pub(crate) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as Terraform writes it in JSON and YAML: plain decimal, no exponent.
pub(crate) fn plain_number(n: f64) -> Result<String, String> {
    if n.is_nan() {
        return Err("cannot serialize NaN".into());
    }
    if n.is_infinite() {
        return Err("cannot serialize infinity as JSON".into());
    }
    Ok(format_number(n))
}

/// Terraform's `jsonencode` of a wholly known value.
pub(crate) fn json_encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    json_write(v, &mut out)?;
    Ok(out)
}

fn json_write(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Unknown => return Err("value is not known".into()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&plain_number(*n)?),
        Value::String(s) => out.push_str(&json_quote(s)),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_write(x, out)?;
            }
            out.push(']');
        }
        Value::Map(m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(k));
                out.push(':');
                json_write(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

pub(super) fn jsonencode(a: Args) -> Result<Value, FuncError> {
    json_encode(&a.vals[0]).map(Value::string).map_err(FuncError::call)
}

pub(super) fn jsondecode(a: Args) -> Result<Value, FuncError> {
    let s = a.str(0);
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(j) => {
            if let Some(bad) = non_finite_number(&j) {
                return Err(FuncError::call(format!("number {bad} is out of range")));
            }
            Ok(Value::from_json(&j))
        }
        Err(e) => Err(FuncError::call(json_error(s, &e))),
    }
}

/// A message in the style of Go's JSON decoder for a serde_json error.
fn json_error(src: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return if src.trim().is_empty() { "EOF".into() } else { "unexpected EOF".into() };
    }
    if e.to_string().starts_with("trailing characters") {
        return "extraneous data after JSON object".into();
    }
    if e.to_string().starts_with("number out of range") {
        return format!("{e} (plcli numbers are 64-bit floating point)");
    }
    // The character serde_json stopped at.
    let line = src.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
    match line.chars().nth(e.column().saturating_sub(1)) {
        Some(c) if !e.to_string().contains("recursion limit") => format!("invalid character '{c}': {e}"),
        _ => e.to_string(),
    }
}

fn non_finite_number(j: &serde_json::Value) -> Option<String> {
    match j {
        serde_json::Value::Number(n) if n.as_f64().is_none_or(|f| !f.is_finite()) => Some(n.to_string()),
        serde_json::Value::Array(xs) => xs.iter().find_map(non_finite_number),
        serde_json::Value::Object(m) => m.values().find_map(non_finite_number),
        _ => None,
    }
}

pub(super) fn yamlencode(a: Args) -> Result<Value, FuncError> {
    yaml::encode(&a.vals[0]).map(Value::string).map_err(FuncError::call)
}

pub(super) fn yamldecode(a: Args) -> Result<Value, FuncError> {
    yaml::decode(a.str(0)).map_err(FuncError::call)
}

/// Go's `url.QueryEscape`.
pub(super) fn urlencode(a: Args) -> Result<Value, FuncError> {
    let mut out = String::new();
    for b in a.str(0).bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::String(out.into()))
}

/// A CSV reader with the rules of Go's `encoding/csv` (strict quotes, records of equal
/// length, blank lines skipped, `\r\n` read as `\n`).
struct Csv<'a> {
    src: &'a [u8],
    pos: usize,
    line: usize,
}

impl Csv<'_> {
    fn err(&self, line: usize, msg: &str) -> String {
        format!("CSV parse error on line {line}: {msg}")
    }

    /// The next record and the line it starts on, or `None` at the end of input.
    fn record(&mut self) -> Result<Option<(usize, Vec<String>)>, String> {
        // Skip blank lines.
        loop {
            if self.pos >= self.src.len() {
                return Ok(None);
            }
            if self.src[self.pos] == b'\n' {
                self.pos += 1;
                self.line += 1;
            } else if self.src[self.pos..].starts_with(b"\r\n") {
                self.pos += 2;
                self.line += 1;
            } else {
                break;
            }
        }
        let start_line = self.line;
        let mut fields = Vec::new();
        loop {
            let mut field: Vec<u8> = Vec::new();
            if self.src.get(self.pos) == Some(&b'"') {
                // Quoted field.
                self.pos += 1;
                loop {
                    match self.src.get(self.pos) {
                        None => {
                            return Err(self.err(start_line, "extraneous or missing \" in quoted-field"));
                        }
                        Some(b'"') if self.src.get(self.pos + 1) == Some(&b'"') => {
                            field.push(b'"');
                            self.pos += 2;
                        }
                        Some(b'"') => {
                            self.pos += 1;
                            match self.src.get(self.pos) {
                                None | Some(b',') | Some(b'\n') => break,
                                Some(b'\r') if self.src.get(self.pos + 1) == Some(&b'\n') => break,
                                Some(_) => {
                                    return Err(self.err(self.line, "extraneous or missing \" in quoted-field"));
                                }
                            }
                        }
                        Some(b'\r') if self.src.get(self.pos + 1) == Some(&b'\n') => {
                            field.push(b'\n');
                            self.pos += 2;
                            self.line += 1;
                        }
                        Some(b'\n') => {
                            field.push(b'\n');
                            self.pos += 1;
                            self.line += 1;
                        }
                        Some(c) => {
                            field.push(*c);
                            self.pos += 1;
                        }
                    }
                }
            } else {
                while let Some(&c) = self.src.get(self.pos) {
                    if c == b',' || c == b'\n' || (c == b'\r' && self.src.get(self.pos + 1) == Some(&b'\n')) {
                        break;
                    }
                    if c == b'"' {
                        return Err(self.err(self.line, "bare \" in non-quoted-field"));
                    }
                    field.push(c);
                    self.pos += 1;
                }
            }
            fields.push(String::from_utf8_lossy(&field).into_owned());
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 2;
                    self.line += 1;
                    return Ok(Some((start_line, fields)));
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return Ok(Some((start_line, fields)));
                }
                _ => return Ok(Some((start_line, fields))),
            }
        }
    }
}

pub(super) fn csvdecode(a: Args) -> Result<Value, FuncError> {
    let mut r = Csv { src: a.str(0).as_bytes(), pos: 0, line: 1 };
    let Some((_, headers)) = r.record().map_err(FuncError::call)? else {
        return Err(FuncError::call("missing header line"));
    };
    let mut seen = std::collections::BTreeSet::new();
    for h in &headers {
        if !seen.insert(h) {
            return Err(FuncError::call(format!("duplicate column name {h:?}")));
        }
    }
    let mut rows = Vec::new();
    while let Some((line, cols)) = r.record().map_err(FuncError::call)? {
        if cols.len() != headers.len() {
            return Err(FuncError::call(format!("CSV parse error on line {line}: wrong number of fields")));
        }
        let row: BTreeMap<String, Value> = headers.iter().cloned().zip(cols.into_iter().map(Value::string)).collect();
        rows.push(Value::Object(row.into()));
    }
    Ok(Value::List(rows))
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

    #[test]
    fn json_escapes_like_go() {
        let got = f("jsonencode", vec![s("<a>&\u{2028}\u{1}\u{8}\u{7f}")]).unwrap();
        assert_eq!(got, s("\"\\u003ca\\u003e\\u0026\\u2028\\u0001\\b\u{7f}\""));
        assert_eq!(f("jsonencode", vec![Value::Number(1e21)]).unwrap(), s("1000000000000000000000"));
        assert_eq!(f("jsonencode", vec![Value::Number(0.1 + 0.2)]).unwrap(), s("0.3"));
        assert!(f("jsonencode", vec![Value::Number(f64::INFINITY)]).is_err());
        assert_eq!(f("jsonencode", vec![Value::Tuple(vec![Value::Unknown])]).unwrap(), Value::Unknown);
    }

    #[test]
    fn jsondecode_errors() {
        assert_eq!(f("jsondecode", vec![s("")]).unwrap_err().message, "EOF");
        assert!(f("jsondecode", vec![s("{bad json}")]).unwrap_err().message.starts_with("invalid character 'b'"));
        assert!(f("jsondecode", vec![s("[1,]")]).unwrap_err().message.starts_with("invalid character ']'"));
        assert_eq!(f("jsondecode", vec![s("1 2")]).unwrap_err().message, "extraneous data after JSON object");
        assert!(f("jsondecode", vec![s("{bad}")]).is_err());
        assert!(f("jsondecode", vec![s("1e400")]).is_err());
        assert!(f("jsondecode", vec![s(&("[".repeat(10_000)))]).is_err());
        assert_eq!(f("jsondecode", vec![s("{\"a\":1,\"a\":2}")]).unwrap(), Value::Object([("a".to_string(), Value::Number(2.0))].into()));
    }

    #[test]
    fn base64_like_go() {
        assert_eq!(f("base64decode", vec![s("SGVs\nbG8=")]).unwrap(), s("Hello"));
        assert!(f("base64decode", vec![s("SGVsbG8")]).is_err());
        assert!(f("base64decode", vec![s("/w==")]).unwrap_err().message.contains("not valid UTF-8"));
        assert_eq!(f("base64decode", vec![s("YR==")]).unwrap(), s("a"));
    }

    #[test]
    fn csv_like_go() {
        let got = f("csvdecode", vec![s("a,b\r\n\"x\r\ny\",2\n\n3,4\n")]).unwrap();
        let row = |a: &str, b: &str| Value::Object([("a".to_string(), s(a)), ("b".to_string(), s(b))].into());
        assert_eq!(got, Value::List(vec![row("x\ny", "2"), row("3", "4")]));
        assert!(f("csvdecode", vec![s("a,b\nx\"y,1")]).unwrap_err().message.contains("bare \""));
        assert!(f("csvdecode", vec![s("a,b\n\"x\"y,1")]).unwrap_err().message.contains("extraneous"));
        assert_eq!(f("csvdecode", vec![s("a,b\n1,2,3")]).unwrap_err().message, "CSV parse error on line 2: wrong number of fields");
        assert_eq!(f("csvdecode", vec![s("")]).unwrap_err().message, "missing header line");
        assert!(f("csvdecode", vec![s("a,a\n1,2")]).unwrap_err().message.contains("duplicate column name"));
    }
}
