use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde_json::Value as Json;

pub use crate::entries::Entries;

/// A Terraform language value.
///
/// Collections keep Terraform's distinctions that matter to users: a `tuple` (what `[...]`
/// builds) versus a `list` (what `tolist` or a `list(...)` type constraint gives), an `object`
/// (what `{...}` builds) versus a `map`. Sets are kept sorted and without duplicates, in
/// Terraform's iteration order (strings lexically, numbers ascending).
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    /// Known only after apply.
    Unknown,
    Bool(bool),
    Number(f64),
    String(Key),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Set(Vec<Value>),
    Map(ValueMap),
    Object(ValueMap),
}

/// The entries of a map or object, shared between copies.
///
/// A resource's attributes travel from its evaluated configuration to the plan, the world and
/// the state, and most of those copies never change them: cloning a `ValueMap` only counts a
/// reference, and the first change through `DerefMut` copies the entries if another copy still
/// shares them (copy on write). It reads as the sorted map it wraps ([`Entries`], a vector
/// sorted by key with `BTreeMap`'s interface, half the memory of one).
#[derive(Clone, Default)]
pub struct ValueMap(Arc<Entries<Key, Value>>);

/// An attribute name or map key. Nearly all are short (`vpc_id`, `tags_all`, a consumer's
/// name) and stored inline, without an allocation of their own; it reads as a `str`.
pub type Key = compact_str::CompactString;

impl ValueMap {
    pub fn new() -> ValueMap {
        ValueMap::default()
    }

    /// The entries, without copying when this is the only reference.
    pub fn into_inner(self) -> Entries<Key, Value> {
        Arc::unwrap_or_clone(self.0)
    }

    /// Whether both share the same entries (then they are equal without comparing).
    pub fn ptr_eq(a: &ValueMap, b: &ValueMap) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for ValueMap {
    type Target = Entries<Key, Value>;
    fn deref(&self) -> &Entries<Key, Value> {
        &self.0
    }
}

impl DerefMut for ValueMap {
    fn deref_mut(&mut self) -> &mut Entries<Key, Value> {
        Arc::make_mut(&mut self.0)
    }
}

impl From<Entries<Key, Value>> for ValueMap {
    fn from(m: Entries<Key, Value>) -> ValueMap {
        ValueMap(Arc::new(m))
    }
}

impl From<BTreeMap<Key, Value>> for ValueMap {
    fn from(m: BTreeMap<Key, Value>) -> ValueMap {
        ValueMap(Arc::new(m.into()))
    }
}

impl From<BTreeMap<String, Value>> for ValueMap {
    fn from(m: BTreeMap<String, Value>) -> ValueMap {
        m.into_iter().collect()
    }
}

impl<const N: usize> From<[(String, Value); N]> for ValueMap {
    fn from(entries: [(String, Value); N]) -> ValueMap {
        entries.into_iter().collect()
    }
}

impl From<ValueMap> for BTreeMap<Key, Value> {
    fn from(m: ValueMap) -> BTreeMap<Key, Value> {
        m.into_inner().into()
    }
}

impl FromIterator<(String, Value)> for ValueMap {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> ValueMap {
        ValueMap(Arc::new(iter.into_iter().map(|(k, v)| (Key::from(k), v)).collect()))
    }
}

impl FromIterator<(Key, Value)> for ValueMap {
    fn from_iter<I: IntoIterator<Item = (Key, Value)>>(iter: I) -> ValueMap {
        ValueMap(Arc::new(iter.into_iter().collect()))
    }
}

impl<'a> FromIterator<(&'a str, Value)> for ValueMap {
    fn from_iter<I: IntoIterator<Item = (&'a str, Value)>>(iter: I) -> ValueMap {
        ValueMap(Arc::new(iter.into_iter().map(|(k, v)| (Key::from(k), v)).collect()))
    }
}

impl IntoIterator for ValueMap {
    type Item = (Key, Value);
    type IntoIter = std::vec::IntoIter<(Key, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_inner().into_iter()
    }
}

impl<'a> IntoIterator for &'a ValueMap {
    type Item = (&'a Key, &'a Value);
    type IntoIter = crate::entries::Iter<'a, Key, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Extend<(String, Value)> for ValueMap {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        Arc::make_mut(&mut self.0).extend(iter.into_iter().map(|(k, v)| (Key::from(k), v)));
    }
}

impl Extend<(Key, Value)> for ValueMap {
    fn extend<I: IntoIterator<Item = (Key, Value)>>(&mut self, iter: I) {
        Arc::make_mut(&mut self.0).extend(iter);
    }
}

impl PartialEq for ValueMap {
    fn eq(&self, other: &ValueMap) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl fmt::Debug for ValueMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Value {
    pub fn string(s: impl Into<Key>) -> Value {
        Value::String(s.into())
    }

    /// A set built from arbitrary elements: sorted into Terraform's order, duplicates dropped.
    pub fn set(mut items: Vec<Value>) -> Value {
        items.sort_by(Value::total_cmp);
        // Elements with unknown parts may turn out different: only known ones are merged.
        items.dedup_by(|a, b| a.is_wholly_known() && b.is_wholly_known() && a.total_cmp(b) == Ordering::Equal);
        Value::Set(items)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither the value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The (key, value) pairs `for` expressions, template `for` directives and `dynamic`
    /// blocks iterate over: index and element of a list or tuple, element and element of a
    /// set, key and value of a map or object. Any other value is handed back.
    pub fn into_iteration(self) -> Result<Vec<(Value, Value)>, Value> {
        match self {
            Value::List(v) | Value::Tuple(v) => Ok(v.into_iter().enumerate().map(|(i, x)| (Value::Number(i as f64), x)).collect()),
            Value::Set(v) => Ok(v.into_iter().map(|x| (x.clone(), x)).collect()),
            Value::Map(m) | Value::Object(m) => Ok(m.into_iter().map(|(k, x)| (Value::String(k), x)).collect()),
            other => Err(other),
        }
    }

    /// Terraform's friendly name of the value's type, for messages.
    pub fn type_name(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Unknown => "unknown value".into(),
            Value::Bool(_) => "bool".into(),
            Value::Number(_) => "number".into(),
            Value::String(_) => "string".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Set(_) => "set".into(),
            Value::Map(_) => "map".into(),
            Value::Object(_) => "object".into(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Elements of a list, tuple or set.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => Some(v),
            _ => None,
        }
    }

    /// Entries of a map or object.
    pub fn as_map(&self) -> Option<&Entries<Key, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(&**m),
            _ => None,
        }
    }

    pub fn is_seq(&self) -> bool {
        matches!(self, Value::List(_) | Value::Tuple(_) | Value::Set(_))
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self, Value::Map(_) | Value::Object(_))
    }

    /// Attribute of an object/map, or `None`.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(name))
    }

    /// The string form Terraform uses when a primitive is converted to string.
    pub fn to_template_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.to_string()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A total order used for sets and sorting: null < bool < number < string < collections.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Null => 0,
                Value::Unknown => 1,
                Value::Bool(_) => 2,
                Value::Number(_) => 3,
                Value::String(_) => 4,
                Value::List(_) | Value::Tuple(_) | Value::Set(_) => 5,
                Value::Map(_) | Value::Object(_) => 6,
            }
        }
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
            (Value::String(a), Value::String(b)) => a.cmp(b),
            (a, b) if a.is_seq() && b.is_seq() => {
                let (x, y) = (a.as_seq().unwrap_or(&[]), b.as_seq().unwrap_or(&[]));
                for (p, q) in x.iter().zip(y) {
                    let c = p.total_cmp(q);
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                x.len().cmp(&y.len())
            }
            (a, b) if a.is_mapping() && b.is_mapping() => {
                let (x, y) = (a.as_map().unwrap_or(&EMPTY), b.as_map().unwrap_or(&EMPTY));
                for ((ka, va), (kb, vb)) in x.iter().zip(y) {
                    let c = ka.cmp(kb).then_with(|| va.total_cmp(vb));
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                x.len().cmp(&y.len())
            }
            (a, b) => rank(a).cmp(&rank(b)),
        }
    }

    /// Terraform's `==`: structural equality; list/tuple and map/object compare by content.
    /// Returns `None` when either side is (partly) unknown.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Unknown, _) | (_, Value::Unknown) => None,
            (Value::Null, Value::Null) => Some(true),
            (Value::Null, _) | (_, Value::Null) => Some(false),
            (Value::Bool(a), Value::Bool(b)) => Some(a == b),
            (Value::Number(a), Value::Number(b)) => Some(a == b),
            (Value::String(a), Value::String(b)) => Some(a == b),
            // A list never equals a tuple (Terraform compares types too: tolist([]) != []).
            (Value::Set(a), Value::Set(b)) | (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => seq_equals(a, b),
            (a, b) if a.is_mapping() && b.is_mapping() => {
                let (x, y) = (a.as_map()?, b.as_map()?);
                if x.len() != y.len() {
                    return Some(false);
                }
                let mut unknown = false;
                for (k, v) in x {
                    match y.get(k).map(|w| v.equals(w)) {
                        None | Some(Some(false)) => return Some(false),
                        Some(None) => unknown = true,
                        Some(Some(true)) => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(true)
                }
            }
            _ => Some(false),
        }
    }

    /// JSON as Terraform writes values in state and `-json` output (unknown becomes null).
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null | Value::Unknown => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => Json::String(s.to_string()),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => Json::Array(v.iter().map(Value::to_json).collect()),
            Value::Map(m) | Value::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect()),
        }
    }

    /// The inverse of [`Value::to_json`]: arrays become tuples and objects objects, as
    /// Terraform's `jsondecode` does.
    pub fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            Json::String(s) => Value::string(s),
            Json::Array(a) => Value::Tuple(a.iter().map(Value::from_json).collect()),
            Json::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        }
    }
}

static EMPTY: Entries<Key, Value> = Entries::new_const();

fn seq_equals(a: &[Value], b: &[Value]) -> Option<bool> {
    if a.len() != b.len() {
        return Some(false);
    }
    let mut unknown = false;
    for (x, y) in a.iter().zip(b) {
        match x.equals(y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Unknown, Value::Unknown) => true,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) | (Value::Set(a), Value::Set(b)) => a == b,
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Null, Value::Null) => true,
            _ => false,
        }
    }
}

/// Serializes as [`Value::to_json`] would produce, without building the JSON tree first (state
/// and world files are written straight from values).
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null | Value::Unknown => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => number_to_json(*n).serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for x in v {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            Value::Map(m) | Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Reads JSON as [`Value::from_json`] does (arrays become tuples, objects objects), without
/// building a JSON tree first: state and world files are read straight into values.
impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                serde::Deserialize::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
                Ok(Value::Number(n))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::string(s))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::String(s.into()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut v = Vec::with_capacity(a.size_hint().unwrap_or(0).min(4096));
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Value::Tuple(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                // Files plcli wrote list keys in order: collected as they come, sorted only if not.
                let mut m = Vec::with_capacity(a.size_hint().unwrap_or(0));
                while let Some((k, v)) = a.next_entry::<Key, Value>()? {
                    m.push((k, v));
                }
                Ok(Value::Object(m.into_iter().collect()))
            }
        }
        d.deserialize_any(V)
    }
}

fn number_to_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::Number((n as i64).into())
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// Formats a number as Terraform prints it: integers without a fraction, other numbers in
/// the shortest form that reads back (at 15 significant digits, hiding binary rounding noise
/// such as 0.1 + 0.2, which Terraform's arbitrary-precision numbers do not have).
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if n.fract() == 0.0 && n.abs() < 1e21 {
        return format!("{n:.0}");
    }
    let rounded: f64 = format!("{n:.14e}").parse().unwrap_or(n);
    let s = format!("{rounded}");
    if s.contains('e') {
        return s;
    }
    s
}

impl fmt::Display for Value {
    /// HCL-like rendering, as `terraform console` prints values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Unknown => f.write_str("(known after apply)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => write!(f, "{}", serde_json::to_string(s).unwrap_or_default()),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => {
                f.write_str("[")?;
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) | Value::Object(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-2.5), "-2.5");
        assert_eq!(format_number(1e20), "100000000000000000000");
    }

    #[test]
    fn sets_are_sorted_and_unique() {
        let s = Value::set(vec![Value::string("b"), Value::string("a"), Value::string("b")]);
        assert_eq!(s, Value::Set(vec![Value::string("a"), Value::string("b")]));
    }

    #[test]
    fn deserializing_reads_json_as_from_json_does() {
        let text = r#"{"b": [1, 2.5, "x", null, true], "a": {"k": {}}, "n": -3}"#;
        let j: Json = serde_json::from_str(text).unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(v, Value::from_json(&j));
    }

    #[test]
    fn equality_with_unknowns_is_unknown() {
        let a = Value::Tuple(vec![Value::Unknown]);
        assert_eq!(a.equals(&Value::Tuple(vec![Value::Number(1.0)])), None);
        assert_eq!(a.equals(&Value::Tuple(vec![])), Some(false));
    }
}
