use plcli_aws::BlockSchema;
use plcli_lang::Value;

use crate::Action;

/// Semantic equality for plan diffs: list/tuple and map/object compare by content, and — as
/// the AWS provider's SDK does — null equals a zero value ("", 0, false, empty collection).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    fn zero(v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Number(n) => *n == 0.0,
            Value::Bool(b) => !b,
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => v.is_empty(),
            Value::Map(m) | Value::Object(m) => m.is_empty(),
            Value::Unknown => false,
        }
    }
    match (a, b) {
        (Value::Unknown, _) | (_, Value::Unknown) => false,
        (Value::Null, x) | (x, Value::Null) => zero(x),
        (x, y) if x.is_seq() && y.is_seq() => {
            let (p, q) = (x.as_seq().unwrap_or(&[]), y.as_seq().unwrap_or(&[]));
            if matches!(x, Value::Set(_)) || matches!(y, Value::Set(_)) {
                // Sets compare without order.
                p.len() == q.len() && p.iter().all(|e| q.iter().any(|f| values_equal(e, f)))
            } else {
                p.len() == q.len() && p.iter().zip(q).all(|(e, f)| values_equal(e, f))
            }
        }
        // The same shared entries (a state instance and the world object it came from).
        (Value::Map(p) | Value::Object(p), Value::Map(q) | Value::Object(q)) if plcli_lang::ValueMap::ptr_eq(p, q) => true,
        (x, y) if x.is_mapping() && y.is_mapping() => {
            let (p, q) = (x.as_map().expect("mapping"), y.as_map().expect("mapping"));
            union(p, q).all(|(_, a, b)| values_equal(a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null)))
        }
        (Value::Number(x), Value::Number(y)) => x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()),
        (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => x.parse::<f64>().is_ok_and(|n| n == *y),
        (Value::String(x), Value::Bool(y)) | (Value::Bool(y), Value::String(x)) => x.as_str() == if *y { "true" } else { "false" },
        _ => a.equals(b) == Some(true),
    }
}

/// A nested block's planned value: its unset computed attributes (unknown in the
/// configuration) keep the prior object's values, element by element.
fn fill_block_unknowns(config: &Value, prior: &Value, schema: &BlockSchema) -> Value {
    let fill_one = |c: &Value, p: &Value| -> Value {
        match (c, p) {
            (Value::Object(cm), Value::Object(pm)) => Value::Object(
                cm.iter()
                    .map(|(k, v)| {
                        let nv = match (v, pm.get(k)) {
                            (Value::Unknown, Some(pv)) if schema.attributes.get(k.as_str()).is_some_and(|a| a.computed) => pv.clone(),
                            (v, Some(pv)) if schema.blocks.contains_key(k.as_str()) => {
                                fill_block_unknowns(v, pv, &schema.blocks[k.as_str()].block)
                            }
                            (v, _) => v.clone(),
                        };
                        (k.clone(), nv)
                    })
                    .collect(),
            ),
            _ => c.clone(),
        }
    };
    match (config, prior) {
        (c, p) if c.is_seq() && p.is_seq() => {
            let (cs, ps) = (c.as_seq().unwrap_or(&[]), p.as_seq().unwrap_or(&[]));
            let items: Vec<Value> = cs
                .iter()
                .enumerate()
                .map(|(i, ci)| match ps.get(i) {
                    Some(pi) => fill_one(ci, pi),
                    None => ci.clone(),
                })
                .collect();
            match c {
                Value::Set(_) => Value::set(items),
                Value::List(_) => Value::List(items),
                _ => Value::Tuple(items),
            }
        }
        (c @ Value::Object(_), p @ Value::Object(_)) => fill_one(c, p),
        (c, _) => c.clone(),
    }
}

/// The result of diffing one instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    pub action: Action,
    /// The planned new value (unknown where only apply knows).
    pub after: Value,
    pub replace_paths: Vec<String>,
}

/// Plans one managed resource instance: `config` is its evaluated configuration (unset
/// computed attributes unknown), `prior` its refreshed state. Unset optional+computed
/// attributes keep their prior value; `ignore_changes` attributes keep theirs; a change to a
/// force-new attribute (or `force_replace`, from `--replace`) replaces the object.
#[allow(clippy::too_many_arguments)]
pub fn diff(
    prior: Option<&Value>,
    config: &Value,
    configured: &[String],
    schema: Option<&BlockSchema>,
    ignore: &[String],
    ignore_all: bool,
    force_replace: bool,
    create_before_destroy: bool,
) -> Diff {
    let Some(prior) = prior else {
        return Diff { action: Action::Create, after: config.clone(), replace_paths: Vec::new() };
    };
    let empty = plcli_lang::Entries::new();
    let prior_m = prior.as_map().unwrap_or(&empty);
    let config_m = config.as_map().unwrap_or(&empty);
    let mut after: Vec<(plcli_lang::Key, Value)> = Vec::with_capacity(prior_m.len().max(config_m.len()));
    let mut replace_paths = Vec::new();
    // Whether the planned value equals the prior one (and is known), and whether an attribute
    // the prior object has changed: the action follows from these.
    let (mut all_equal, mut known, mut prior_attr_changed) = (true, true, false);
    for (k, in_config, p) in union(config_m, prior_m) {
        let (c, p) = (in_config.unwrap_or(&NULL), p.unwrap_or(&NULL));
        let attr = schema.and_then(|s| s.attributes.get(k.as_str()));
        let block = schema.and_then(|s| s.blocks.get(k.as_str()));
        let computed = attr.is_some_and(|a| a.computed) || k == "id";
        let configurable = attr.is_none_or(|a| a.optional || a.required) && k != "id";
        let unknown_to_schema = schema.is_some() && attr.is_none() && block.is_none() && k != "id";
        let ignored = ignore_all || ignore.iter().any(|i| i == k);
        let v = if unknown_to_schema {
            // World bookkeeping the provider schema does not have: never a change.
            p.clone()
        } else if let Some(nb) = block {
            if ignored || (c.is_unknown() && !configured.iter().any(|n| n == k)) {
                // Ignored, or an unset block the provider computes: it keeps what it has.
                p.clone()
            } else {
                fill_block_unknowns(c, p, &nb.block)
            }
        } else if ignored || !configurable {
            // Ignored, or computed-only: it keeps its value unless something else changes it.
            p.clone()
        } else if computed && !configured.iter().any(|n| n == k) && (k != "tags_all" || c.is_unknown()) {
            // Unset optional+computed: the provider keeps what it has.
            p.clone()
        } else {
            c.clone()
        };
        let mut changed = !values_equal(&v, p);
        if changed && configurable && attr.is_some_and(|a| a.force_new) {
            replace_paths.push(k.to_string());
        }
        // tags_all follows tags (and default_tags), which the config value already merged.
        let v = match in_config {
            Some(t) if k == "tags_all" && !t.is_unknown() => {
                changed = !values_equal(t, p);
                t.clone()
            }
            _ => v,
        };
        all_equal &= !changed;
        known &= v.is_wholly_known();
        prior_attr_changed |= changed && prior_m.contains_key(k.as_str());
        after.push((k.clone(), v));
    }
    if force_replace || !replace_paths.is_empty() {
        // A new object: everything computed is unknown again.
        let mut fresh = config_m.clone();
        for (k, v) in fresh.iter_mut() {
            let attr = schema.and_then(|s| s.attributes.get(k.as_str()));
            if (attr.is_some_and(|a| a.computed) || k == "id") && (v.is_null() || v.is_unknown()) {
                *v = Value::Unknown;
            }
        }
        let action = if create_before_destroy { Action::CreateDelete } else { Action::DeleteCreate };
        return Diff { action, after: Value::Object(fresh.into()), replace_paths };
    }
    if all_equal && known {
        return Diff { action: Action::NoOp, after: prior.clone(), replace_paths };
    }
    // `after` is in key order: the map is built without sorting.
    let after_v = Value::Object(after.into_iter().collect());
    Diff { action: if prior_attr_changed || !known { Action::Update } else { Action::NoOp }, after: after_v, replace_paths }
}

static NULL: Value = Value::Null;

/// The keys of two maps in order, each with its value in either (a merge of the two sorted
/// key sequences: no set of keys is built).
fn union<'a>(
    a: &'a plcli_lang::Entries<plcli_lang::Key, Value>,
    b: &'a plcli_lang::Entries<plcli_lang::Key, Value>,
) -> impl Iterator<Item = (&'a plcli_lang::Key, Option<&'a Value>, Option<&'a Value>)> + 'a {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (None, None) => None,
        (Some(_), None) => a.next().map(|(k, v)| (k, Some(v), None)),
        (None, Some(_)) => b.next().map(|(k, v)| (k, None, Some(v))),
        (Some((ka, _)), Some((kb, _))) => match ka.cmp(kb) {
            std::cmp::Ordering::Less => a.next().map(|(k, v)| (k, Some(v), None)),
            std::cmp::Ordering::Greater => b.next().map(|(k, v)| (k, None, Some(v))),
            std::cmp::Ordering::Equal => {
                let (k, va) = a.next()?;
                b.next().map(|(_, vb)| (k, Some(va), Some(vb)))
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plcli_aws::Schemas;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn null_equals_zero_values() {
        assert!(values_equal(&Value::Null, &Value::Bool(false)));
        assert!(values_equal(&Value::Null, &Value::Tuple(vec![])));
        assert!(!values_equal(&Value::Null, &Value::string("x")));
        assert!(values_equal(
            &Value::set(vec![Value::string("b"), Value::string("a")]),
            &Value::Tuple(vec![Value::string("a"), Value::string("b")])
        ));
    }

    #[test]
    fn force_new_attributes_replace() {
        let schema = Schemas::get().resource("aws_vpc").unwrap();
        let prior = obj(&[("id", Value::string("vpc-1")), ("cidr_block", Value::string("10.0.0.0/16")), ("arn", Value::string("arn"))]);
        let config = obj(&[("id", Value::Unknown), ("cidr_block", Value::string("10.1.0.0/16")), ("arn", Value::Unknown)]);
        let conf = vec!["cidr_block".to_string()];
        let d = diff(Some(&prior), &config, &conf, Some(schema), &[], false, false, false);
        assert_eq!(d.action, Action::DeleteCreate);
        assert_eq!(d.replace_paths, vec!["cidr_block".to_string()]);
        assert_eq!(d.after.get_attr("id"), Some(&Value::Unknown));
    }

    #[test]
    fn unchanged_config_is_a_no_op_and_in_place_changes_update() {
        let schema = Schemas::get().resource("aws_vpc").unwrap();
        let prior = obj(&[
            ("id", Value::string("vpc-1")),
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("enable_dns_hostnames", Value::Bool(false)),
            ("arn", Value::string("arn")),
        ]);
        let config = obj(&[
            ("id", Value::Unknown),
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("enable_dns_hostnames", Value::Unknown),
            ("arn", Value::Unknown),
        ]);
        let conf = vec!["cidr_block".to_string()];
        assert_eq!(diff(Some(&prior), &config, &conf, Some(schema), &[], false, false, false).action, Action::NoOp);
        let config = obj(&[
            ("id", Value::Unknown),
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("enable_dns_hostnames", Value::Bool(true)),
            ("arn", Value::Unknown),
        ]);
        let conf = vec!["cidr_block".to_string(), "enable_dns_hostnames".to_string()];
        let d = diff(Some(&prior), &config, &conf, Some(schema), &[], false, false, false);
        assert_eq!(d.action, Action::Update);
        assert_eq!(d.after.get_attr("id"), Some(&Value::string("vpc-1")));
        let d = diff(Some(&prior), &config, &conf, Some(schema), &["enable_dns_hostnames".into()], false, false, false);
        assert_eq!(d.action, Action::NoOp);
    }
}
