use std::collections::BTreeMap;
use std::fmt;

use crate::value::{format_number, Value};

/// One attribute of an `object({...})` type constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectAttr {
    pub ty: Type,
    /// Declared with `optional(...)`.
    pub optional: bool,
    /// `optional(type, default)`.
    pub default: Option<Value>,
}

/// A Terraform type constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `any`: the value keeps whatever type it has.
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, ObjectAttr>),
    Tuple(Vec<Type>),
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (k, a)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if a.optional {
                        write!(f, "{k} = optional({})", a.ty)?;
                    } else {
                        write!(f, "{k} = {}", a.ty)?;
                    }
                }
                f.write_str("})")
            }
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

impl Type {
    /// Converts `value` to this type with Terraform's rules (numbers and bools to strings and
    /// back, tuples to lists and sets, objects to maps, missing optional attributes filled
    /// with their defaults or null, extra object attributes dropped). Errors say what was
    /// wrong and where inside the value, e.g. `element 2: a number is required`.
    pub fn convert(&self, value: &Value) -> Result<Value, String> {
        convert(self, value).map_err(|e| e.render())
    }
}

struct ConvError {
    path: Vec<String>,
    message: String,
}

impl ConvError {
    fn new(message: impl Into<String>) -> ConvError {
        ConvError { path: Vec::new(), message: message.into() }
    }
    fn at(mut self, step: String) -> ConvError {
        self.path.insert(0, step);
        self
    }
    fn render(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.path.join(""), self.message)
        }
    }
}

fn article(t: &Type) -> String {
    match t {
        Type::String => "a string".into(),
        Type::Number => "a number".into(),
        Type::Bool => "a bool".into(),
        Type::List(_) => "a list".into(),
        Type::Set(_) => "a set".into(),
        Type::Map(_) => "a map".into(),
        Type::Object(_) => "an object".into(),
        Type::Tuple(_) => "a tuple".into(),
        Type::Any => "a value".into(),
    }
}

fn convert(ty: &Type, value: &Value) -> Result<Value, ConvError> {
    if matches!(value, Value::Null | Value::Unknown) {
        return Ok(value.clone());
    }
    match ty {
        Type::Any => Ok(value.clone()),
        Type::String => match value {
            Value::String(_) => Ok(value.clone()),
            Value::Number(n) => Ok(Value::String(format_number(*n).into())),
            Value::Bool(b) => Ok(Value::String(b.to_string().into())),
            _ => Err(ConvError::new(format!("string required, but have {}", value.type_name()))),
        },
        Type::Number => match value {
            Value::Number(_) => Ok(value.clone()),
            Value::String(s) => parse_number(s)
                .map(Value::Number)
                .ok_or_else(|| ConvError::new(format!("a number is required, but \"{s}\" is not a number"))),
            _ => Err(ConvError::new(format!("number required, but have {}", value.type_name()))),
        },
        Type::Bool => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(s) if s == "true" => Ok(Value::Bool(true)),
            Value::String(s) if s == "false" => Ok(Value::Bool(false)),
            Value::String(_) => Err(ConvError::new("a bool is required")),
            _ => Err(ConvError::new(format!("bool required, but have {}", value.type_name()))),
        },
        Type::List(elem) | Type::Set(elem) => {
            let Some(items) = value.as_seq() else {
                return Err(ConvError::new(format!("{} required, but have {}", short(ty), value.type_name())));
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert(elem, item).map_err(|e| e.at(format!("element {i}")))?);
            }
            let out = unify_any(elem, out);
            if matches!(ty, Type::Set(_)) {
                // A set with an unknown element is wholly unknown: its length is not known
                // (the element may equal another).
                if out.iter().any(Value::is_unknown) {
                    return Ok(Value::Unknown);
                }
                return Ok(Value::set(out));
            }
            Ok(Value::List(out))
        }
        Type::Map(elem) => {
            let Some(entries) = value.as_map() else {
                return Err(ConvError::new(format!("map required, but have {}", value.type_name())));
            };
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                out.insert(k.clone(), convert(elem, v).map_err(|e| e.at(format!("element \"{k}\"")))?);
            }
            Ok(Value::Map(out.into()))
        }
        Type::Object(attrs) => {
            let Some(entries) = value.as_map() else {
                return Err(ConvError::new(format!("object required, but have {}", value.type_name())));
            };
            let mut out = BTreeMap::new();
            for (name, attr) in attrs {
                let v = match entries.get(name.as_str()) {
                    Some(Value::Null) | None if attr.optional => match &attr.default {
                        Some(d) => convert(&attr.ty, d).map_err(|e| e.at(format!(".{name}")))?,
                        None => Value::Null,
                    },
                    Some(v) => convert(&attr.ty, v).map_err(|e| e.at(format!(".{name}")))?,
                    None => return Err(ConvError::new(format!("attribute \"{name}\" is required"))),
                };
                out.insert(name.clone(), v);
            }
            Ok(Value::Object(out.into()))
        }
        Type::Tuple(types) => {
            let Some(items) = value.as_seq() else {
                return Err(ConvError::new(format!("tuple required, but have {}", value.type_name())));
            };
            if items.len() != types.len() {
                return Err(ConvError::new(format!("tuple required with {} elements, but have {}", types.len(), items.len())));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (t, item)) in types.iter().zip(items).enumerate() {
                out.push(convert(t, item).map_err(|e| e.at(format!("element {i}")))?);
            }
            Ok(Value::Tuple(out))
        }
    }
    .map_err(|e: ConvError| {
        if e.path.is_empty() && !e.message.contains("required") {
            ConvError::new(format!("{} is required", article(ty)))
        } else {
            e
        }
    })
}

fn short(ty: &Type) -> &'static str {
    match ty {
        Type::List(_) => "list of any single type",
        Type::Set(_) => "set of any single type",
        _ => "collection",
    }
}

/// `list(any)` and friends need one element type: when the elements mix strings with numbers
/// or bools, Terraform converts them all to strings.
fn unify_any(elem: &Type, items: Vec<Value>) -> Vec<Value> {
    if *elem != Type::Any {
        return items;
    }
    let has_string = items.iter().any(|v| matches!(v, Value::String(_)));
    let all_primitive =
        items.iter().all(|v| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null | Value::Unknown));
    if has_string && all_primitive {
        items
            .into_iter()
            .map(|v| match v.to_template_string() {
                Some(s) => Value::String(s.into()),
                None => v,
            })
            .collect()
    } else {
        items
    }
}

/// Parses a number the way Terraform converts strings to numbers (decimal, optional sign,
/// fraction and exponent; no hex, no surrounding spaces).
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn converts_primitives() {
        assert_eq!(Type::String.convert(&Value::Number(5.0)), Ok(Value::string("5")));
        assert_eq!(Type::Number.convert(&Value::string("1.5")), Ok(Value::Number(1.5)));
        assert!(Type::Number.convert(&Value::string("abc")).is_err());
        assert_eq!(Type::Bool.convert(&Value::string("true")), Ok(Value::Bool(true)));
    }

    #[test]
    fn optional_attributes_get_defaults() {
        let mut attrs = BTreeMap::new();
        attrs.insert("a".into(), ObjectAttr { ty: Type::String, optional: false, default: None });
        attrs.insert("b".into(), ObjectAttr { ty: Type::Number, optional: true, default: Some(Value::Number(7.0)) });
        let t = Type::Object(attrs);
        let v = t.convert(&obj(&[("a", Value::string("x")), ("extra", Value::Bool(true))])).unwrap();
        assert_eq!(v, obj(&[("a", Value::string("x")), ("b", Value::Number(7.0))]));
        let err = t.convert(&obj(&[])).unwrap_err();
        assert!(err.contains("attribute \"a\" is required"), "{err}");
    }

    #[test]
    fn nested_errors_say_where() {
        let t = Type::List(Box::new(Type::Number));
        let err = t.convert(&Value::Tuple(vec![Value::Number(1.0), Value::string("x")])).unwrap_err();
        assert!(err.starts_with("element 1:"), "{err}");
    }

    #[test]
    fn sets_from_tuples() {
        let t = Type::Set(Box::new(Type::String));
        let v = t.convert(&Value::Tuple(vec![Value::string("b"), Value::string("a"), Value::string("a")])).unwrap();
        assert_eq!(v, Value::Set(vec![Value::string("a"), Value::string("b")]));
    }
}
