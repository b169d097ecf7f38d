//! Collection functions: alltrue anytrue chunklist coalesce coalescelist compact concat
//! contains distinct element flatten index keys length lookup matchkeys merge one range
//! reverse setintersection setproduct setsubtract setunion slice sort sum transpose values
//! zipmap, and the removed `list` and `map`.

use std::collections::BTreeMap;

use super::conversion::{convert, friendly_value, type_of, unify};
use super::{graphemes, to_int, Args, FuncError};
use crate::{Key, Type, Value};

pub(super) fn length(a: Args) -> Result<Value, FuncError> {
    let n = match &a.vals[0] {
        Value::Unknown => return Ok(Value::Unknown),
        Value::String(s) => graphemes(s).count(),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => {
            if matches!(a.vals[0], Value::Set(_)) && !a.vals[0].is_wholly_known() {
                // Unknown elements of a set may turn out equal to others.
                return Ok(Value::Unknown);
            }
            xs.len()
        }
        Value::Map(m) | Value::Object(m) => m.len(),
        _ => return Err(FuncError::call("argument must be a string, a collection type, or a structural type")),
    };
    Ok(Value::Number(n as f64))
}

fn bools<'a>(a: &'a Args) -> &'a [Value] {
    a.vals[0].as_seq().unwrap_or(&[])
}

pub(super) fn alltrue(a: Args) -> Result<Value, FuncError> {
    if a.vals[0].is_unknown() {
        return Ok(Value::Unknown);
    }
    for v in bools(&a) {
        match v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Bool(true) => {}
            _ => return Ok(Value::Bool(false)),
        }
    }
    Ok(Value::Bool(true))
}

pub(super) fn anytrue(a: Args) -> Result<Value, FuncError> {
    if a.vals[0].is_unknown() {
        return Ok(Value::Unknown);
    }
    let mut unknown = false;
    for v in bools(&a) {
        match v {
            Value::Unknown => unknown = true,
            Value::Bool(true) => return Ok(Value::Bool(true)),
            _ => {}
        }
    }
    Ok(if unknown { Value::Unknown } else { Value::Bool(false) })
}

pub(super) fn chunklist(a: Args) -> Result<Value, FuncError> {
    let Some(items) = a.vals[0].as_seq() else { return Ok(Value::Unknown) };
    if items.is_empty() {
        return Ok(Value::List(vec![]));
    }
    let size = match &a.vals[1] {
        Value::Number(n) => to_int(*n).map_err(|e| FuncError::call(format!("invalid size: {e}")))?,
        _ => return Ok(Value::Unknown),
    };
    if size < 0 {
        return Err(FuncError::call("the size argument must be positive"));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(items.to_vec())]));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    Ok(Value::List(items.chunks(size).map(|c| Value::List(c.to_vec())).collect()))
}

pub(super) fn coalesce(a: Args) -> Result<Value, FuncError> {
    let tys: Vec<Type> = a.vals.iter().map(type_of).collect();
    let ty = if a.vals.is_empty() { None } else { unify(&tys) };
    let Some(ty) = ty else {
        return Err(FuncError::call("all arguments must have the same type"));
    };
    for v in &a.vals {
        let v = convert(v, &ty).unwrap_or_else(|| v.clone());
        match &v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => continue,
            Value::String(s) if s.is_empty() && ty == Type::String => continue,
            _ => return Ok(v),
        }
    }
    Err(FuncError::call("no non-null, non-empty-string arguments"))
}

pub(super) fn coalescelist(a: Args) -> Result<Value, FuncError> {
    if a.vals.is_empty() {
        return Err(FuncError::call("at least one argument is required"));
    }
    if a.vals.iter().any(|v| !matches!(v, Value::Unknown | Value::List(_) | Value::Tuple(_))) {
        return Err(FuncError::call("coalescelist arguments must be lists or tuples"));
    }
    for v in &a.vals {
        match v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(xs) | Value::Tuple(xs) if !xs.is_empty() => return Ok(v.clone()),
            _ => {}
        }
    }
    Err(FuncError::call("no non-null arguments"))
}

pub(super) fn compact(a: Args) -> Result<Value, FuncError> {
    let items = a.vals[0].as_seq().unwrap_or(&[]);
    Ok(Value::List(items.iter().filter(|v| matches!(v, Value::String(s) if !s.is_empty())).cloned().collect()))
}

pub(super) fn concat(a: Args) -> Result<Value, FuncError> {
    if a.vals.is_empty() {
        return Err(FuncError::call("at least one argument is required"));
    }
    for (i, v) in a.vals.iter().enumerate() {
        if !matches!(v, Value::Unknown | Value::List(_) | Value::Tuple(_)) {
            return Err(a.err(i, format!("all arguments must be lists or tuples; got {}", friendly_value(v))));
        }
    }
    if a.vals.iter().any(Value::is_unknown) {
        return Ok(Value::Unknown);
    }
    let all: Vec<Value> = a.vals.iter().flat_map(|v| v.as_seq().unwrap_or(&[]).iter().cloned()).collect();
    if a.vals.iter().all(|v| matches!(v, Value::List(_))) {
        let tys: Vec<Type> = a.vals.iter().map(type_of).collect();
        if let Some(Type::List(elem)) = unify(&tys) {
            if let Some(items) = all.iter().map(|v| convert(v, &elem)).collect::<Option<Vec<_>>>() {
                return Ok(Value::List(items));
            }
        }
    }
    Ok(Value::Tuple(all))
}

pub(super) fn contains(a: Args) -> Result<Value, FuncError> {
    let (list, value) = (&a.vals[0], &a.vals[1]);
    let items = match list {
        Value::Unknown => return Ok(Value::Unknown),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => xs,
        _ => return Err(FuncError::call("argument must be list, tuple, or set")),
    };
    if items.is_empty() {
        return Ok(Value::Bool(false));
    }
    if value.is_unknown() {
        return Ok(Value::Unknown);
    }
    let mut unknown = false;
    for item in items {
        match item.equals(value) {
            Some(true) => return Ok(Value::Bool(true)),
            None => unknown = true,
            Some(false) => {}
        }
    }
    Ok(if unknown { Value::Unknown } else { Value::Bool(false) })
}

pub(super) fn distinct(a: Args) -> Result<Value, FuncError> {
    let items = a.vals[0].as_seq().unwrap_or(&[]);
    let mut seen: Vec<&Value> = Vec::new();
    let mut out = Vec::new();
    for item in items {
        match seen.binary_search_by(|s| s.total_cmp(item)) {
            Ok(_) => {}
            Err(pos) => {
                seen.insert(pos, item);
                out.push(item.clone());
            }
        }
    }
    Ok(Value::List(out))
}

pub(super) fn element(a: Args) -> Result<Value, FuncError> {
    let index = match &a.vals[1] {
        Value::Number(n) => to_int(*n).map_err(|e| FuncError::call(format!("invalid index: {e}")))?,
        _ => return Ok(Value::Unknown),
    };
    let items = match &a.vals[0] {
        Value::Unknown => return Ok(Value::Unknown),
        Value::List(xs) | Value::Tuple(xs) => xs,
        other => return Err(FuncError::call(format!("cannot read elements from {}", friendly_value(other)))),
    };
    if items.is_empty() {
        return Err(FuncError::call("cannot use element function with an empty list"));
    }
    // Go's remainder keeps the sign: -3 % 3 is 0 (allowed), -1 % 3 is -1 (rejected).
    let i = index % items.len() as i64;
    if i < 0 {
        return Err(FuncError::call("cannot use element function with a negative index"));
    }
    Ok(items[i as usize].clone())
}

fn flatten_into(items: &[Value], out: &mut Vec<Value>) {
    for item in items {
        match item {
            Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => flatten_into(xs, out),
            other => out.push(other.clone()),
        }
    }
}

pub(super) fn flatten(a: Args) -> Result<Value, FuncError> {
    let items = match &a.vals[0] {
        Value::Unknown => return Ok(Value::Unknown),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => xs,
        _ => return Err(FuncError::call("can only flatten lists, sets and tuples")),
    };
    // Terraform cannot tell the shape of the result while anything inside is unknown.
    if !a.vals[0].is_wholly_known() {
        return Ok(Value::Unknown);
    }
    let mut out = Vec::new();
    flatten_into(items, &mut out);
    Ok(Value::Tuple(out))
}

pub(super) fn index(a: Args) -> Result<Value, FuncError> {
    let items = match &a.vals[0] {
        Value::Unknown => return Ok(Value::Unknown),
        Value::List(xs) | Value::Tuple(xs) => xs,
        _ => return Err(FuncError::call("argument must be a list or tuple")),
    };
    if items.is_empty() {
        return Err(FuncError::call("cannot search an empty list"));
    }
    for (i, item) in items.iter().enumerate() {
        match item.equals(&a.vals[1]) {
            None => return Ok(Value::Unknown),
            Some(true) => return Ok(Value::Number(i as f64)),
            Some(false) => {}
        }
    }
    Err(FuncError::call("item not found"))
}

pub(super) fn keys(a: Args) -> Result<Value, FuncError> {
    let keys = |m: &crate::Entries<Key, Value>| m.keys().map(|k| Value::String(k.clone())).collect();
    match &a.vals[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Object(m) => Ok(Value::Tuple(keys(m))),
        Value::Map(m) => Ok(Value::List(keys(m))),
        _ => Err(a.err(0, "must have map or object type")),
    }
}

pub(super) fn values(a: Args) -> Result<Value, FuncError> {
    match &a.vals[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Object(m) => Ok(Value::Tuple(m.values().cloned().collect())),
        Value::Map(m) => Ok(Value::List(m.values().cloned().collect())),
        _ => Err(FuncError::call("values() requires a map as the first argument")),
    }
}

pub(super) fn lookup(a: Args) -> Result<Value, FuncError> {
    if a.vals.len() > 3 {
        return Err(FuncError::call(format!("lookup() takes two or three arguments, got {}", a.vals.len())));
    }
    let default = a.vals.get(2);
    let key = match &a.vals[1] {
        Value::String(s) => s.as_str(),
        _ => return Ok(Value::Unknown),
    };
    match &a.vals[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Object(m) => match (m.get(key), default) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(d)) => Ok(d.clone()),
            (None, None) => Err(a.err(0, format!("the given object has no attribute {key:?}"))),
        },
        Value::Map(m) => {
            let elem = match type_of(&a.vals[0]) {
                Type::Map(e) => *e,
                _ => Type::Any,
            };
            let default = match default {
                Some(d) => {
                    Some(convert(d, &elem).ok_or_else(|| a.err(2, "the default value must have the same type as the map elements"))?)
                }
                None => None,
            };
            match (m.get(key), default) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(FuncError::call(format!("lookup failed to find key {key:?}"))),
            }
        }
        _ => Err(a.err(0, "lookup() requires a map as the first argument")),
    }
}

pub(super) fn matchkeys(a: Args) -> Result<Value, FuncError> {
    let (values, keys, search) = (&a.vals[0], &a.vals[1], &a.vals[2]);
    let ty = unify(&[type_of(keys), type_of(search)]).ok_or_else(|| FuncError::call("keys and searchset must be of the same type"))?;
    let (Some(vals), Some(ks)) = (values.as_seq(), keys.as_seq()) else {
        return Ok(Value::Unknown);
    };
    if vals.len() != ks.len() {
        return Err(FuncError::call("length of keys and values should be equal"));
    }
    let Some(search) = search.as_seq() else { return Ok(Value::Unknown) };
    if search.is_empty() {
        return Ok(Value::List(vec![]));
    }
    if !values.is_wholly_known() || !keys.is_wholly_known() {
        return Ok(Value::Unknown);
    }
    let elem = match ty {
        Type::List(e) => *e,
        _ => Type::Any,
    };
    let conv = |v: &Value| convert(v, &elem).unwrap_or_else(|| v.clone());
    let search: Vec<Value> = search.iter().map(conv).collect();
    let mut out = Vec::new();
    for (v, k) in vals.iter().zip(ks) {
        let k = conv(k);
        for s in &search {
            match k.equals(s) {
                None => return Ok(Value::List(vec![])),
                Some(true) => {
                    out.push(v.clone());
                    break;
                }
                Some(false) => {}
            }
        }
    }
    Ok(Value::List(out))
}

pub(super) fn merge(a: Args) -> Result<Value, FuncError> {
    for v in &a.vals {
        if !matches!(v, Value::Null | Value::Unknown | Value::Map(_) | Value::Object(_)) {
            return Err(FuncError::call(format!("arguments must be maps or objects, got {:?}", friendly_value(v))));
        }
    }
    if a.vals.iter().any(Value::is_unknown) {
        return Ok(Value::Unknown);
    }
    let present: Vec<&Value> = a.vals.iter().filter(|v| !v.is_null()).collect();
    if present.is_empty() && !a.vals.is_empty() {
        return Ok(Value::Null);
    }
    let mut out = BTreeMap::new();
    for v in &present {
        if let Some(m) = v.as_map() {
            out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    // A map only when every argument is a map of the same element type (an empty map's
    // element type is unknown here, so it matches any).
    let all_maps = !present.is_empty() && present.iter().all(|v| matches!(v, Value::Map(_)));
    if all_maps {
        let elems: Vec<Type> = present
            .iter()
            .map(|v| match type_of(v) {
                Type::Map(e) => *e,
                _ => Type::Any,
            })
            .collect();
        let known: Vec<&Type> = elems.iter().filter(|e| **e != Type::Any).collect();
        if known.windows(2).all(|w| w[0] == w[1]) {
            return Ok(Value::Map(out.into()));
        }
    }
    Ok(Value::Object(out.into()))
}

pub(super) fn one(a: Args) -> Result<Value, FuncError> {
    match &a.vals[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Set(xs) if !a.vals[0].is_wholly_known() && xs.len() > 1 => Ok(Value::Unknown),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) if xs.len() <= 1 => Ok(xs.first().cloned().unwrap_or(Value::Null)),
        _ => Err(a.err(0, "must be a list, set, or tuple value with either zero or one elements")),
    }
}

/// A number as an exact scaled integer (`value = mantissa / 10^scale`) when its shortest
/// decimal form allows.
fn decimal(n: f64) -> Option<(i128, u32)> {
    let s = format!("{}", n.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 18 || int.len() > 20 {
        return None;
    }
    let m: i128 = format!("{int}{frac}").parse().ok()?;
    Some((if n < 0.0 { -m } else { m }, frac.len() as u32))
}

pub(super) fn range(a: Args) -> Result<Value, FuncError> {
    let nums: Vec<f64> = a.vals.iter().map(|v| v.as_number().unwrap_or(0.0)).collect();
    let (start, end, step) = match nums[..] {
        [end] => (0.0, end, if end < 0.0 { -1.0 } else { 1.0 }),
        [start, end] => (start, end, if end < start { -1.0 } else { 1.0 }),
        [start, end, step] => (start, end, step),
        _ => return Err(FuncError::call("must have one, two, or three arguments")),
    };
    if nums.iter().any(|n| !n.is_finite()) {
        return Err(FuncError::call("range arguments must be finite numbers"));
    }
    let down = step < 0.0;
    if down && end > start {
        return Err(a.err(1, "end must be less than start when step is negative"));
    }
    if !down && end < start {
        return Err(a.err(1, "end must be greater than start when step is positive"));
    }
    const LIMIT: usize = 1024;
    let too_many = || {
        FuncError::call(format!(
            "more than {LIMIT} values were generated; either decrease the difference between start and end or use a smaller step"
        ))
    };
    let mut out = Vec::new();
    // Terraform adds decimal numbers exactly; do the same with scaled integers when possible.
    if let (Some((s, ss)), Some((e, es)), Some((st, sts))) = (decimal(start), decimal(end), decimal(step)) {
        let scale = ss.max(es).max(sts);
        let up = |m: i128, sc: u32| m.checked_mul(10i128.checked_pow(scale - sc)?);
        if let (Some(s), Some(e), Some(st)) = (up(s, ss), up(e, es), up(st, sts)) {
            let denom = 10f64.powi(scale as i32);
            let mut cur = s;
            while if down { cur > e } else { cur < e } {
                if out.len() >= LIMIT {
                    return Err(too_many());
                }
                let v: f64 = if scale == 0 { cur as f64 } else { format!("{}e-{scale}", cur).parse().unwrap_or(cur as f64 / denom) };
                out.push(Value::Number(v));
                cur = cur.checked_add(st).ok_or_else(too_many)?;
            }
            return Ok(Value::List(out));
        }
    }
    let mut cur = start;
    while if down { cur > end } else { cur < end } {
        if out.len() >= LIMIT {
            return Err(too_many());
        }
        out.push(Value::Number(cur));
        cur += step;
    }
    Ok(Value::List(out))
}

pub(super) fn reverse(a: Args) -> Result<Value, FuncError> {
    match &a.vals[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Tuple(xs) => Ok(Value::Tuple(xs.iter().rev().cloned().collect())),
        Value::List(xs) | Value::Set(xs) => Ok(Value::List(xs.iter().rev().cloned().collect())),
        other => Err(a.err(0, format!("can only reverse list or tuple values, not {}", friendly_value(other)))),
    }
}

/// The arguments of a set function converted to sets of one element type.
fn unified_sets(a: &Args) -> Result<Vec<Vec<Value>>, FuncError> {
    let tys: Vec<Type> = a.vals.iter().map(type_of).collect();
    let Some(ty) = unify(&tys) else {
        return Err(FuncError::call("given sets must all have compatible element types"));
    };
    a.vals
        .iter()
        .map(|v| match convert(v, &ty) {
            Some(Value::Set(xs)) => Ok(xs),
            _ => Err(FuncError::call("given sets must all have compatible element types")),
        })
        .collect()
}

fn set_has(set: &[Value], v: &Value) -> bool {
    set.binary_search_by(|x| x.total_cmp(v)).is_ok()
}

pub(super) fn setunion(a: Args) -> Result<Value, FuncError> {
    let sets = unified_sets(&a)?;
    Ok(Value::set(sets.into_iter().flatten().collect()))
}

pub(super) fn setintersection(a: Args) -> Result<Value, FuncError> {
    let sets = unified_sets(&a)?;
    let (first, rest) = sets.split_first().map_or((&[][..], &[][..]), |(f, r)| (f.as_slice(), r));
    Ok(Value::set(first.iter().filter(|v| rest.iter().all(|s| set_has(s, v))).cloned().collect()))
}

pub(super) fn setsubtract(a: Args) -> Result<Value, FuncError> {
    let sets = unified_sets(&a)?;
    let (x, y) = (&sets[0], &sets[1]);
    Ok(Value::set(x.iter().filter(|v| !set_has(y, v)).cloned().collect()))
}

pub(super) fn setproduct(a: Args) -> Result<Value, FuncError> {
    if a.vals.len() < 2 {
        return Err(FuncError::call("at least two arguments are required"));
    }
    let mut lists = Vec::with_capacity(a.vals.len());
    let mut any_set = false;
    let mut unknown = false;
    for (i, v) in a.vals.iter().enumerate() {
        match v {
            Value::Unknown => unknown = true,
            Value::Set(xs) => {
                any_set = true;
                lists.push(xs.clone());
            }
            Value::List(xs) => lists.push(xs.clone()),
            Value::Tuple(xs) => {
                let tys: Vec<Type> = xs.iter().map(type_of).collect();
                let ty = unify(&tys).ok_or_else(|| a.err(i, "all elements must be of the same type"))?;
                lists.push(xs.iter().map(|x| convert(x, &ty).unwrap_or_else(|| x.clone())).collect());
            }
            _ => return Err(a.err(i, "a set or a list is required")),
        }
    }
    // A set with unknown elements has an unknown length, and so does the product.
    if unknown || a.vals.iter().any(|v| matches!(v, Value::Set(_)) && !v.is_wholly_known()) {
        return Ok(Value::Unknown);
    }
    let total = lists.iter().try_fold(1usize, |acc, l| acc.checked_mul(l.len()));
    const LIMIT: usize = 1_000_000;
    match total {
        Some(t) if t <= LIMIT => {}
        _ => return Err(FuncError::call(format!("the product would have more than {LIMIT} elements"))),
    }
    let mut out: Vec<Vec<Value>> = vec![vec![]];
    for list in &lists {
        let mut next = Vec::with_capacity(out.len() * list.len());
        for prefix in &out {
            for x in list {
                let mut p = prefix.clone();
                p.push(x.clone());
                next.push(p);
            }
        }
        out = next;
    }
    let out: Vec<Value> = out.into_iter().map(Value::Tuple).collect();
    Ok(if any_set { Value::set(out) } else { Value::List(out) })
}

pub(super) fn slice(a: Args) -> Result<Value, FuncError> {
    let list = &a.vals[0];
    if matches!(list, Value::Set(_)) {
        return Err(a.err(
            0,
            "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
        ));
    }
    if !matches!(list, Value::Unknown | Value::List(_) | Value::Tuple(_)) {
        return Err(a.err(0, "must be a list or tuple value"));
    }
    let len = list.as_seq().map(<[Value]>::len);
    let mut idx = [None, None];
    for (k, which) in ["start", "end"].iter().enumerate() {
        if let Value::Number(n) = &a.vals[k + 1] {
            let i = to_int(*n).map_err(|e| a.err(k + 1, format!("invalid {which} index: {e}")))?;
            if i < 0 {
                return Err(a.err(k + 1, format!("{which} index must not be less than zero")));
            }
            if len.is_some_and(|l| i as u64 > l as u64) {
                return Err(a.err(k + 1, format!("{which} index must not be greater than the length of the list")));
            }
            idx[k] = Some(i as usize);
        }
    }
    let (Some(start), Some(end), Some(items)) = (idx[0], idx[1], list.as_seq()) else {
        return Ok(Value::Unknown);
    };
    if start > end {
        return Err(a.err(1, "start index must not be greater than end index"));
    }
    let part = items[start..end].to_vec();
    Ok(if matches!(list, Value::Tuple(_)) { Value::Tuple(part) } else { Value::List(part) })
}

pub(super) fn sort(a: Args) -> Result<Value, FuncError> {
    let items = a.vals[0].as_seq().unwrap_or(&[]);
    let mut strs = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        match v {
            Value::String(s) => strs.push(s.clone()),
            _ => return Err(FuncError::call(format!("given list element {i} is null; a null string cannot be sorted"))),
        }
    }
    strs.sort();
    Ok(Value::List(strs.into_iter().map(Value::string).collect()))
}

pub(super) fn sum(a: Args) -> Result<Value, FuncError> {
    let items = match &a.vals[0] {
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => xs,
        Value::Map(m) | Value::Object(m) => {
            if m.is_empty() {
                return Err(a.err(0, "cannot sum an empty list"));
            }
            return Err(a.err(0, format!("argument must be list, set, or tuple. Received {}", friendly_value(&a.vals[0]))));
        }
        _ => return Err(a.err(0, "cannot sum noniterable")),
    };
    if items.is_empty() {
        return Err(a.err(0, "cannot sum an empty list"));
    }
    let mut total = 0.0f64;
    for v in items {
        let n = match v {
            Value::Number(n) => *n,
            Value::String(s) => {
                crate::types::parse_number(s).ok_or_else(|| a.err(0, "argument must be list, set, or tuple of number values"))?
            }
            _ => return Err(a.err(0, "argument must be list, set, or tuple of number values")),
        };
        total += n;
        if total.is_nan() {
            return Err(FuncError::call("can't compute sum of opposing infinities"));
        }
    }
    Ok(Value::Number(total))
}

pub(super) fn transpose(a: Args) -> Result<Value, FuncError> {
    let mut out: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for (k, list) in a.vals[0].as_map().into_iter().flatten() {
        let Some(items) = list.as_seq() else {
            return Err(FuncError::call("input must be a map of lists of strings"));
        };
        for v in items {
            let Value::String(s) = v else {
                return Err(FuncError::call("input must be a map of lists of strings"));
            };
            out.entry(s.clone()).or_default().push(k.clone());
        }
    }
    Ok(Value::Map(
        out.into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, Value::List(v.into_iter().map(Value::string).collect()))
            })
            .collect(),
    ))
}

pub(super) fn zipmap(a: Args) -> Result<Value, FuncError> {
    let (keys, values) = (&a.vals[0], &a.vals[1]);
    if !keys.is_wholly_known() || values.is_unknown() {
        if !matches!(values, Value::Unknown | Value::List(_) | Value::Tuple(_)) {
            return Err(FuncError::call("values argument must be a list or tuple value"));
        }
        return Ok(Value::Unknown);
    }
    let vals = match values {
        Value::List(xs) | Value::Tuple(xs) => xs,
        _ => return Err(FuncError::call("values argument must be a list or tuple value")),
    };
    let ks = keys.as_seq().unwrap_or(&[]);
    if ks.len() != vals.len() {
        return Err(FuncError::call(format!("number of keys ({}) does not match number of values ({})", ks.len(), vals.len())));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in ks.iter().zip(vals).enumerate() {
        let Value::String(k) = k else {
            return Err(FuncError::call(format!("keys list has null value at index {i}")));
        };
        out.insert(k.clone(), v.clone());
    }
    Ok(if matches!(values, Value::List(_)) { Value::Map(out.into()) } else { Value::Object(out.into()) })
}

pub(super) fn removed_list(_: Args) -> Result<Value, FuncError> {
    Err(FuncError::call(
        "the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list",
    ))
}

pub(super) fn removed_map(_: Args) -> Result<Value, FuncError> {
    Err(FuncError::call(
        "the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map",
    ))
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
    fn t(xs: Vec<Value>) -> Value {
        Value::Tuple(xs)
    }
    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    const U: Value = Value::Unknown;

    #[test]
    fn unknowns_are_precise() {
        // length of a list with unknown elements is known
        assert_eq!(f("length", vec![t(vec![U, U])]).unwrap(), n(2.0));
        assert_eq!(f("length", vec![U]).unwrap(), U);
        // keys of an object with unknown values are known
        assert_eq!(f("keys", vec![obj(&[("a", U), ("b", n(1.0))])]).unwrap(), t(vec![s("a"), s("b")]));
        // coalesce: first known non-empty after known ones
        assert_eq!(f("coalesce", vec![Value::Null, s("x"), U]).unwrap(), s("x"));
        assert_eq!(f("coalesce", vec![s(""), U, s("x")]).unwrap(), U);
        // concat / flatten / merge keep known structure
        assert_eq!(f("concat", vec![t(vec![U]), t(vec![s("a")])]).unwrap(), t(vec![U, s("a")]));
        assert_eq!(f("concat", vec![t(vec![s("a")]), U]).unwrap(), U);
        assert_eq!(f("flatten", vec![t(vec![t(vec![U]), s("a")])]).unwrap(), U);
        assert_eq!(f("merge", vec![obj(&[("a", U)]), obj(&[("b", n(1.0))])]).unwrap(), obj(&[("a", U), ("b", n(1.0))]));
        assert_eq!(f("merge", vec![obj(&[("a", n(1.0))]), U]).unwrap(), U);
        // lookup of a known key with unknown other values
        assert_eq!(f("lookup", vec![obj(&[("a", s("x")), ("b", U)]), s("a")]).unwrap(), s("x"));
        assert_eq!(f("lookup", vec![obj(&[("a", s("x"))]), U]).unwrap(), U);
        // contains: unknown unless a known match exists
        assert_eq!(f("contains", vec![t(vec![U, s("a")]), s("a")]).unwrap(), Value::Bool(true));
        assert_eq!(f("contains", vec![t(vec![U, s("a")]), s("b")]).unwrap(), U);
        assert_eq!(f("contains", vec![t(vec![s("a")]), U]).unwrap(), U);
        // element / one / slice keep unknown elements
        assert_eq!(f("element", vec![t(vec![U, s("a")]), n(1.0)]).unwrap(), s("a"));
        assert_eq!(f("one", vec![t(vec![U])]).unwrap(), U);
        assert_eq!(f("slice", vec![t(vec![U, s("a")]), n(1.0), n(2.0)]).unwrap(), t(vec![s("a")]));
        assert_eq!(f("slice", vec![t(vec![s("a")]), U, n(1.0)]).unwrap(), U);
        // alltrue / anytrue
        assert_eq!(f("alltrue", vec![t(vec![U, Value::Bool(false)])]).unwrap(), U);
        assert_eq!(f("alltrue", vec![t(vec![Value::Bool(false), U])]).unwrap(), Value::Bool(false));
        assert_eq!(f("anytrue", vec![t(vec![U, Value::Bool(true)])]).unwrap(), Value::Bool(true));
        // functions that need everything
        assert_eq!(f("distinct", vec![t(vec![U, s("a")])]).unwrap(), U);
        assert_eq!(f("sort", vec![t(vec![U])]).unwrap(), U);
        assert_eq!(f("index", vec![t(vec![s("a"), U]), s("a")]).unwrap(), n(0.0));
        assert_eq!(f("index", vec![t(vec![U, s("a")]), s("a")]).unwrap(), U);
        assert_eq!(f("compact", vec![t(vec![U, s("")])]).unwrap(), U);
        assert_eq!(f("join", vec![s(","), t(vec![U])]).unwrap(), U);
        assert_eq!(f("length", vec![Value::set(vec![U, s("a")])]).unwrap(), U);
        assert_eq!(f("tolist", vec![t(vec![U, s("a")])]).unwrap(), Value::List(vec![U, s("a")]));
        assert_eq!(f("formatlist", vec![s("%s"), t(vec![s("a"), U])]).unwrap(), Value::List(vec![s("a"), U]));
        assert_eq!(f("zipmap", vec![t(vec![s("a")]), t(vec![U])]).unwrap(), obj(&[("a", U)]));
        assert_eq!(f("zipmap", vec![t(vec![U]), t(vec![n(1.0)])]).unwrap(), U);
        assert_eq!(f("values", vec![obj(&[("a", U)])]).unwrap(), t(vec![U]));
        assert_eq!(f("setproduct", vec![Value::set(vec![s("a")]), t(vec![U])]).unwrap(), Value::set(vec![t(vec![s("a"), U])]));
        assert_eq!(f("setproduct", vec![Value::set(vec![U]), t(vec![s("a")])]).unwrap(), U);
        assert_eq!(
            f("chunklist", vec![t(vec![U, s("a"), s("b")]), n(2.0)]).unwrap(),
            Value::List(vec![Value::List(vec![U, s("a")]), Value::List(vec![s("b")])])
        );
    }

    #[test]
    fn range_is_exact_and_bounded() {
        let got = f("range", vec![n(0.0), n(1.0), n(0.1)]).unwrap();
        let Value::List(xs) = got else { panic!() };
        assert_eq!(xs.len(), 10);
        assert_eq!(xs[3], n(0.3));
        assert!(f("range", vec![n(1e300)]).unwrap_err().message.contains("more than 1024"));
        assert!(f("range", vec![n(1.0), n(2.0), n(0.0)]).unwrap_err().message.contains("more than 1024"));
        assert_eq!(f("range", vec![n(1.0), n(1.0), n(0.0)]).unwrap(), Value::List(vec![]));
        assert!(f("range", vec![n(1e-300), n(1.0), n(1e-300)]).is_err());
        assert!(f("range", vec![n(f64::INFINITY)]).is_err());
    }

    #[test]
    fn element_index_rules() {
        let abc = t(vec![s("a"), s("b"), s("c")]);
        assert_eq!(f("element", vec![abc.clone(), n(5.0)]).unwrap(), s("c"));
        assert_eq!(f("element", vec![abc.clone(), n(-3.0)]).unwrap(), s("a"));
        assert!(f("element", vec![abc.clone(), n(-1.0)]).unwrap_err().message.contains("negative index"));
        assert!(f("element", vec![abc, n(1e300)]).is_err());
    }

    #[test]
    fn big_products_are_refused() {
        let big = Value::List((0..1000).map(|i| n(i as f64)).collect());
        assert!(f("setproduct", vec![big.clone(), big.clone(), big]).is_err());
    }

    #[test]
    fn merge_types() {
        let m = |k: &str, v: Value| Value::Map([(k.to_string(), v)].into());
        assert_eq!(
            f("merge", vec![m("a", s("1")), m("b", s("2"))]).unwrap(),
            Value::Map([("a".into(), s("1")), ("b".into(), s("2"))].into())
        );
        assert_eq!(f("merge", vec![m("a", s("1")), m("b", n(2.0))]).unwrap(), obj(&[("a", s("1")), ("b", n(2.0))]));
        assert_eq!(f("merge", vec![Value::Null, Value::Null]).unwrap(), Value::Null);
        assert_eq!(f("merge", vec![m("a", s("1")), Value::Map(Default::default())]).unwrap(), Value::Map([("a".into(), s("1"))].into()));
        assert_eq!(f("merge", vec![]).unwrap(), obj(&[]));
    }
}
