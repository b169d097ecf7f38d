//! Type conversion functions (`tostring`, `tolist`, ...) and the type machinery that other
//! families share: inferring a value's type, unifying types the way go-cty does, and naming
//! types the way Terraform's messages do.

use std::collections::BTreeMap;

use super::{Args, FuncError};
use crate::types::parse_number;
use crate::value::format_number;
use crate::{ObjectAttr, Type, Value};

/// The type of a value; `Type::Any` stands for go-cty's "dynamic" (null and unknown values,
/// and the element type of empty collections).
pub(crate) fn type_of(v: &Value) -> Type {
    match v {
        Value::Null | Value::Unknown => Type::Any,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(xs) => Type::List(Box::new(elem_type(xs.iter()))),
        Value::Set(xs) => Type::Set(Box::new(elem_type(xs.iter()))),
        Value::Map(m) => Type::Map(Box::new(elem_type(m.values()))),
        Value::Tuple(xs) => Type::Tuple(xs.iter().map(type_of).collect()),
        Value::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.to_string(), ObjectAttr { ty: type_of(v), optional: false, default: None })).collect())
        }
    }
}

fn elem_type<'a>(xs: impl Iterator<Item = &'a Value>) -> Type {
    let tys: Vec<Type> = xs.map(type_of).collect();
    unify(&tys).unwrap_or(Type::Any)
}

fn attr_types(attrs: &BTreeMap<String, ObjectAttr>) -> impl Iterator<Item = &Type> {
    attrs.values().map(|a| &a.ty)
}

/// go-cty's type unification: the most specific type that all of `tys` convert to, or `None`.
/// Dynamic (`Any`) members are ignored, as untyped nulls and unknowns fit any type.
pub(crate) fn unify(tys: &[Type]) -> Option<Type> {
    let real: Vec<&Type> = tys.iter().filter(|t| **t != Type::Any).collect();
    let Some(first) = real.first() else { return Some(Type::Any) };
    if real.iter().all(|t| t == first) {
        return Some((*first).clone());
    }
    let count = |f: fn(&Type) -> bool| real.iter().filter(|t| f(t)).count();
    let objects = count(|t| matches!(t, Type::Object(_)));
    let tuples = count(|t| matches!(t, Type::Tuple(_)));
    let lists = count(|t| matches!(t, Type::List(_)));
    let sets = count(|t| matches!(t, Type::Set(_)));
    let maps = count(|t| matches!(t, Type::Map(_)));
    let prims = count(|t| matches!(t, Type::String | Type::Number | Type::Bool));
    let n = real.len();
    if objects > 0 && tuples > 0 {
        return None;
    }
    if prims == n {
        return real.iter().any(|t| **t == Type::String).then_some(Type::String);
    }
    if objects == n {
        return unify_objects(&real);
    }
    if tuples == n {
        return unify_tuples(&real);
    }
    let seq_elems = || -> Vec<Type> {
        let mut out = Vec::new();
        for t in &real {
            match t {
                Type::List(e) | Type::Set(e) => out.push((**e).clone()),
                Type::Tuple(es) => out.extend(es.iter().cloned()),
                _ => {}
            }
        }
        out
    };
    if lists > 0 && lists + tuples == n {
        return unify(&seq_elems()).map(|e| Type::List(Box::new(e)));
    }
    if sets > 0 && sets + lists + tuples == n {
        return unify(&seq_elems()).map(|e| Type::Set(Box::new(e)));
    }
    if maps > 0 && maps + objects == n {
        let mut elems = Vec::new();
        for t in &real {
            match t {
                Type::Map(e) => elems.push((**e).clone()),
                Type::Object(attrs) => elems.extend(attr_types(attrs).cloned()),
                _ => {}
            }
        }
        return unify(&elems).map(|e| Type::Map(Box::new(e)));
    }
    None
}

fn unify_objects(objs: &[&Type]) -> Option<Type> {
    let attrs: Vec<&BTreeMap<String, ObjectAttr>> =
        objs.iter().filter_map(|t| if let Type::Object(a) = t { Some(a) } else { None }).collect();
    let first = attrs[0];
    let same_names = attrs.iter().all(|a| a.len() == first.len() && a.keys().all(|k| first.contains_key(k)));
    if same_names {
        let mut out = BTreeMap::new();
        for name in first.keys() {
            let across: Vec<Type> = attrs.iter().map(|a| a[name].ty.clone()).collect();
            let ty = unify(&across)?;
            out.insert(name.clone(), ObjectAttr { ty, optional: false, default: None });
        }
        return Some(Type::Object(out));
    }
    let all: Vec<Type> = attrs.iter().flat_map(|a| attr_types(a).cloned()).collect();
    unify(&all).map(|e| Type::Map(Box::new(e)))
}

fn unify_tuples(tuples: &[&Type]) -> Option<Type> {
    let elems: Vec<&Vec<Type>> = tuples.iter().filter_map(|t| if let Type::Tuple(e) = t { Some(e) } else { None }).collect();
    let len = elems[0].len();
    if elems.iter().all(|e| e.len() == len) {
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            let across: Vec<Type> = elems.iter().map(|e| e[i].clone()).collect();
            out.push(unify(&across)?);
        }
        return Some(Type::Tuple(out));
    }
    let all: Vec<Type> = elems.iter().flat_map(|e| e.iter().cloned()).collect();
    unify(&all).map(|e| Type::List(Box::new(e)))
}

/// go-cty's friendly type name, as used in Terraform's messages ("list of string", "tuple").
pub(crate) fn friendly(t: &Type) -> String {
    match t {
        Type::Any => "dynamic".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list of {}", friendly(e)),
        Type::Set(e) => format!("set of {}", friendly(e)),
        Type::Map(e) => format!("map of {}", friendly(e)),
        Type::Object(_) => "object".into(),
        Type::Tuple(_) => "tuple".into(),
    }
}

pub(crate) fn friendly_value(v: &Value) -> String {
    friendly(&type_of(v))
}

/// Converts `v` to `t` (which came from [`unify`], so the conversion is expected to succeed).
pub(crate) fn convert(v: &Value, t: &Type) -> Option<Value> {
    if *t == Type::Any {
        return Some(v.clone());
    }
    t.convert(v).ok()
}

/// The elements of a sequence converted to one common type, or `None` when they have none.
fn unified_elems(xs: &[Value]) -> Option<Vec<Value>> {
    let tys: Vec<Type> = xs.iter().map(type_of).collect();
    let t = unify(&tys)?;
    xs.iter().map(|x| convert(x, &t)).collect()
}

/// Terraform's conversion to `list(any)`.
pub(crate) fn to_list(v: &Value) -> Option<Value> {
    match v {
        Value::Null | Value::Unknown | Value::List(_) => Some(v.clone()),
        Value::Set(xs) => Some(Value::List(xs.clone())),
        Value::Tuple(xs) => unified_elems(xs).map(Value::List),
        _ => None,
    }
}

/// Terraform's conversion to `set(any)`.
pub(crate) fn to_set(v: &Value) -> Option<Value> {
    match v {
        Value::Null | Value::Unknown | Value::Set(_) => Some(v.clone()),
        Value::List(xs) => Some(Value::set(xs.clone())),
        Value::Tuple(xs) => unified_elems(xs).map(Value::set),
        _ => None,
    }
}

/// Terraform's conversion to `map(any)`.
pub(crate) fn to_map(v: &Value) -> Option<Value> {
    match v {
        Value::Null | Value::Unknown | Value::Map(_) => Some(v.clone()),
        Value::Object(m) => {
            let tys: Vec<Type> = m.values().map(type_of).collect();
            let t = unify(&tys)?;
            let mut out = BTreeMap::new();
            for (k, x) in m {
                out.insert(k.clone(), convert(x, &t)?);
            }
            Some(Value::Map(out.into()))
        }
        _ => None,
    }
}

pub(super) fn tolist(a: Args) -> Result<Value, FuncError> {
    let v = &a.vals[0];
    to_list(v).ok_or_else(|| a.err(0, format!("cannot convert {} to list of any single type", friendly_value(v))))
}

pub(super) fn toset(a: Args) -> Result<Value, FuncError> {
    let v = &a.vals[0];
    to_set(v).ok_or_else(|| a.err(0, format!("cannot convert {} to set of any single type", friendly_value(v))))
}

pub(super) fn tomap(a: Args) -> Result<Value, FuncError> {
    let v = &a.vals[0];
    to_map(v).ok_or_else(|| a.err(0, format!("cannot convert {} to map of any single type", friendly_value(v))))
}

pub(super) fn tostring(a: Args) -> Result<Value, FuncError> {
    match &a.vals[0] {
        v @ (Value::Null | Value::Unknown | Value::String(_)) => Ok(v.clone()),
        Value::Number(n) => Ok(Value::String(format_number(*n).into())),
        Value::Bool(b) => Ok(Value::String(b.to_string().into())),
        v => Err(a.err(0, format!("cannot convert {} to string", friendly_value(v)))),
    }
}

pub(super) fn tonumber(a: Args) -> Result<Value, FuncError> {
    match &a.vals[0] {
        v @ (Value::Null | Value::Unknown | Value::Number(_)) => Ok(v.clone()),
        Value::String(s) => parse_number(s)
            .map(Value::Number)
            .ok_or_else(|| a.err(0, format!("cannot convert {s:?} to number; given string must be a decimal representation of a number"))),
        v => Err(a.err(0, format!("cannot convert {} to number", friendly_value(v)))),
    }
}

pub(super) fn tobool(a: Args) -> Result<Value, FuncError> {
    match &a.vals[0] {
        v @ (Value::Null | Value::Unknown | Value::Bool(_)) => Ok(v.clone()),
        Value::String(s) if s == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s == "false" => Ok(Value::Bool(false)),
        Value::String(s) => Err(a.err(0, format!("cannot convert {s:?} to bool; only the strings \"true\" or \"false\" are allowed"))),
        v => Err(a.err(0, format!("cannot convert {} to bool", friendly_value(v)))),
    }
}

/// `sensitive`, `nonsensitive`, `ephemeralasnull`: plcli does not track sensitivity or
/// ephemerality, so these return their argument.
pub(super) fn identity(mut a: Args) -> Result<Value, FuncError> {
    Ok(a.take(0))
}

/// `issensitive`: nothing is marked sensitive in plcli's values.
pub(super) fn issensitive(a: Args) -> Result<Value, FuncError> {
    Ok(if a.vals[0].is_unknown() { Value::Unknown } else { Value::Bool(false) })
}

/// `timestamp`, `plantimestamp`: known only when the plan is applied.
pub(super) fn unknown(_: Args) -> Result<Value, FuncError> {
    Ok(Value::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::{call, FuncContext};

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn f(name: &str, args: Vec<Value>) -> Result<Value, crate::functions::FuncError> {
        call(name, args, &FuncContext::default())
    }

    #[test]
    fn unify_prefers_strings_and_builds_lists() {
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        assert_eq!(unify(&[Type::Any, Type::Number]), Some(Type::Number));
        let t1 = Type::Tuple(vec![Type::Number]);
        let t2 = Type::Tuple(vec![Type::Number, Type::Number]);
        assert_eq!(unify(&[t1, t2]), Some(Type::List(Box::new(Type::Number))));
    }

    #[test]
    fn tolist_unifies_nested_values() {
        let v = Value::Tuple(vec![Value::Tuple(vec![Value::Number(1.0)]), Value::Tuple(vec![s("a")])]);
        assert_eq!(f("tolist", vec![v]).unwrap(), Value::List(vec![Value::Tuple(vec![s("1")]), Value::Tuple(vec![s("a")])]));
        let e = f("tolist", vec![Value::Tuple(vec![Value::Number(1.0), Value::Tuple(vec![])])]).unwrap_err();
        assert_eq!(e.message, "Invalid value for \"v\" parameter: cannot convert tuple to list of any single type.");
    }

    #[test]
    fn conversions_keep_unknowns_and_nulls() {
        assert_eq!(f("tolist", vec![Value::Unknown]).unwrap(), Value::Unknown);
        assert_eq!(f("tostring", vec![Value::Null]).unwrap(), Value::Null);
        assert_eq!(f("toset", vec![Value::Tuple(vec![Value::Unknown, s("a")])]).unwrap(), Value::set(vec![Value::Unknown, s("a")]));
        assert_eq!(f("tonumber", vec![Value::Unknown]).unwrap(), Value::Unknown);
    }

    #[test]
    fn tomap_objects_with_mixed_attributes() {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), Value::Object([("x".to_string(), Value::Number(1.0))].into()));
        m.insert("b".to_string(), Value::Object([("x".to_string(), s("s"))].into()));
        let got = f("tomap", vec![Value::Object(m.into())]).unwrap();
        let Value::Map(out) = got else { panic!("not a map") };
        assert_eq!(out["a"], Value::Object([("x".to_string(), s("1"))].into()));
    }

    #[test]
    fn primitive_conversion_messages() {
        let e = f("tonumber", vec![s("abc")]).unwrap_err();
        assert!(e.message.contains("cannot convert \"abc\" to number"), "{}", e.message);
        let e = f("tobool", vec![Value::Number(1.0)]).unwrap_err();
        assert!(e.message.contains("cannot convert number to bool"), "{}", e.message);
        assert_eq!(f("tostring", vec![Value::Bool(true)]).unwrap(), s("true"));
        assert_eq!(f("sensitive", vec![s("x")]).unwrap(), s("x"));
        assert_eq!(f("issensitive", vec![s("x")]).unwrap(), Value::Bool(false));
        assert_eq!(f("timestamp", vec![]).unwrap(), Value::Unknown);
    }
}
