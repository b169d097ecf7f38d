//! Evaluating a resource (or nested block) body against its schema.

use std::collections::BTreeMap;

use plcli_aws::{BlockSchema, Nesting};
use plcli_eval::{did_you_mean, span_of, Evaluator, Scope};
use plcli_lang::Value;
use plcli_syntax::ast::Expression;
use plcli_syntax::ast::{Block, Body, Structure};
use plcli_syntax::{Diagnostic, Diagnostics, FileId, Span};

/// What unset computed attributes become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMode {
    /// Unset computed attributes are unknown (validate, plan of a new object).
    Config,
}

/// Evaluates `body` into an object value following `schema` (or, with no schema, as an
/// opaque object of whatever is configured). Reports unknown arguments and blocks (with
/// "did you mean"), unconfigurable computed attributes, missing required arguments, wrong
/// types and block counts. `type_name` is used in messages.
pub fn eval_body(
    file: FileId,
    body: &Body,
    schema: Option<&BlockSchema>,
    scope: &dyn Scope,
    type_name: &str,
    header: Span,
    diags: &mut Diagnostics,
) -> Value {
    let mut ev = Evaluator::new(file, scope);
    eval_body_with(&mut ev, file, body, schema, type_name, header, diags, &mut Vec::new())
}

#[allow(clippy::too_many_arguments)]
fn eval_body_with(
    ev: &mut Evaluator<'_>,
    file: FileId,
    body: &Body,
    schema: Option<&BlockSchema>,
    type_name: &str,
    header: Span,
    diags: &mut Diagnostics,
    iterators: &mut Vec<(String, Value)>,
) -> Value {
    let mut attrs: plcli_lang::Entries<plcli_lang::Key, Value> = plcli_lang::Entries::new();
    let mut blocks: BTreeMap<String, Vec<(Value, Span)>> = BTreeMap::new();
    let mut as_blocks: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                let key_span = span_of(file, &a.key);
                let value = match eval_expr(ev, &a.value, iterators) {
                    Ok(v) => v,
                    Err(d) => {
                        diags.push(d);
                        Value::Unknown
                    }
                };
                match schema {
                    None => {
                        attrs.insert(plcli_lang::Key::from(name), value);
                    }
                    Some(schema) => match schema.attributes.get(name) {
                        Some(attr) if !attr.optional && !attr.required => diags.push(
                            Diagnostic::error("unconfigurable_attribute", "Value for unconfigurable attribute")
                                .with_span(key_span)
                                .with_detail(format!("Can't configure a value for \"{name}\": its value will be decided automatically based on the result of applying this configuration."))
                                .with_help(format!("remove `{name}`; read it from the resource after apply instead")),
                        ),
                        Some(attr) => match attr.ty_ref().convert(&value) {
                            Ok(v) => {
                                attrs.insert(plcli_lang::Key::from(name), v);
                            }
                            Err(m) => diags.push(
                                Diagnostic::error("incorrect_attribute_type", "Incorrect attribute value type")
                                    .with_span(span_of(file, &a.value))
                                    .with_detail(format!("Inappropriate value for attribute \"{name}\": {m}."))
                                    .with_help(format!("\"{name}\" of {type_name} is {}", attr.ty())),
                            ),
                        },
                        None if schema.blocks.contains_key(name) => diags.push(
                            Diagnostic::error("unsupported_argument", "Unsupported argument")
                                .with_span(key_span)
                                .with_detail(format!("An argument named \"{name}\" is not expected here. Did you mean to define a block of type \"{name}\"?"))
                                .with_help(format!("write `{name} {{ ... }}` as a block")),
                        ),
                        None => {
                            let mut d = Diagnostic::error("unsupported_argument", "Unsupported argument")
                                .with_span(key_span)
                                .with_detail(format!("An argument named \"{name}\" is not expected here in {type_name}."));
                            if let Some(s) = did_you_mean(name, schema.names()) {
                                d = d.with_help(format!("did you mean `{s}`?"));
                            }
                            diags.push(d);
                        }
                    },
                }
            }
            Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                expand_dynamic(ev, file, b, schema, type_name, diags, iterators, &mut blocks);
            }
            Structure::Block(b) => {
                let name = b.ident.as_str();
                let span = span_of(file, &b.ident);
                // SDK "attributes as blocks": a list/set-of-objects attribute (e.g. an
                // aws_security_group's ingress) may be written with block syntax.
                if let Some(obj_schema) = schema.and_then(|s| s.attributes.get(name)).and_then(|a| attr_as_block_schema(&a.ty())) {
                    let v = eval_body_with(ev, file, &b.body, Some(&obj_schema), &format!("{name} block"), span, diags, iterators);
                    as_blocks.entry(name.to_string()).or_default().push(zero_fill(v, &obj_schema));
                    continue;
                }
                let nested = match schema {
                    None => None,
                    Some(schema) => match schema.blocks.get(name) {
                        Some(nb) => Some(&nb.block),
                        None => {
                            let mut d = Diagnostic::error("unsupported_block_type", "Unsupported block type")
                                .with_span(span)
                                .with_detail(format!("Blocks of type \"{name}\" are not expected here in {type_name}."));
                            if schema.attributes.contains_key(name) {
                                d = d
                                    .with_detail(format!("Blocks of type \"{name}\" are not expected here in {type_name}; \"{name}\" is an argument (a block of this name was valid in Terraform 0.11)."))
                                    .with_help(format!("write `{name} = {{ ... }}`"));
                            } else if let Some(s) = did_you_mean(name, schema.names()) {
                                d = d.with_help(format!("did you mean `{s}`?"));
                            }
                            diags.push(d);
                            continue;
                        }
                    },
                };
                let v = eval_body_with(ev, file, &b.body, nested, &format!("{name} block"), span, diags, iterators);
                // The SDK plans unset optional arguments of list/set blocks as zero values.
                let v = match (schema.and_then(|s| s.blocks.get(name)), nested) {
                    (Some(nb), Some(ns)) if matches!(nb.nesting, Nesting::List | Nesting::Set) => zero_fill_optional(v, ns),
                    _ => v,
                };
                let v = with_labels(b, v);
                blocks.entry(name.to_string()).or_default().push((v, span));
            }
        }
    }
    let Some(schema) = schema else {
        for (name, items) in blocks {
            attrs.insert(name.into(), Value::Tuple(items.into_iter().map(|(v, _)| v).collect()));
        }
        return Value::Object(attrs.into());
    };
    for (name, items) in as_blocks {
        if let Some(attr) = schema.attributes.get(&name) {
            if let Ok(v) = attr.ty_ref().convert(&Value::Tuple(items)) {
                attrs.entry(name.into()).or_insert(v);
            }
        }
    }
    // Every schema attribute not set gets its default: one pass over the schema's names beside
    // the set ones (both sorted), not a search and an insert into the map for each.
    let mut set = std::mem::take(&mut attrs).into_iter().peekable();
    // With a schema only its attributes are set (the rest was reported): one per name. The
    // blocks are merged in below, into a vector of their own.
    let mut merged: Vec<(plcli_lang::Key, Value)> = Vec::with_capacity(schema.attributes.len());
    for (name, attr) in &schema.attributes {
        while let Some(entry) = set.next_if(|(k, _)| k.as_str() < name.as_str()) {
            merged.push(entry);
        }
        if let Some((k, v)) = set.next_if(|(k, _)| k.as_str() == name.as_str()) {
            if attr.required && v.is_null() {
                diags.push(
                    Diagnostic::error("missing_required_argument", "Missing required argument")
                        .with_span(header)
                        .with_detail(format!("The argument \"{name}\" is required, but it is set to null.")),
                );
            }
            merged.push((k, v));
            continue;
        }
        let v = if attr.required {
            diags.push(
                Diagnostic::error("missing_required_argument", "Missing required argument")
                    .with_span(header)
                    .with_detail(format!("The argument \"{name}\" is required, but no definition was found."))
                    .with_help(format!("add `{name} = ...` to {type_name}")),
            );
            Value::Unknown
        } else if let Some(d) = attr.default_value() {
            d
        } else if attr.computed {
            Value::Unknown
        } else {
            Value::Null
        };
        merged.push((plcli_lang::Key::from(name.as_str()), v));
    }
    merged.extend(set);
    attrs = plcli_lang::Entries::from_sorted(merged);
    // Defaults that depend on other arguments (an NLB's dns_record_client_routing_policy).
    for (name, conds) in &schema.conditional_defaults {
        if !matches!(attrs.get(name.as_str()), None | Some(Value::Null) | Some(Value::Unknown)) || !schema.attributes.contains_key(name) {
            continue;
        }
        for c in conds {
            let applies = c
                .when
                .iter()
                .all(|(k, vals)| attrs.get(k.as_str()).is_some_and(|v| vals.iter().any(|w| Value::from_json(w).equals(v) == Some(true))));
            if applies {
                let ty = schema.attributes[name].ty_ref();
                attrs.insert(
                    plcli_lang::Key::from(name.as_str()),
                    ty.convert(&Value::from_json(&c.value)).unwrap_or_else(|_| Value::from_json(&c.value)),
                );
                break;
            }
        }
    }
    // Blocks in the schema's (sorted) order, added to the attributes at once.
    let mut block_values: Vec<(plcli_lang::Key, Value)> = Vec::with_capacity(schema.blocks.len());
    for (name, nb) in &schema.blocks {
        let configured_block = blocks.contains_key(name);
        let items = blocks.remove(name).unwrap_or_default();
        let n = items.len() as u64;
        if n < nb.min_items {
            diags.push(
                Diagnostic::error("insufficient_blocks", format!("Insufficient {name} blocks"))
                    .with_span(header)
                    .with_detail(format!("At least {} \"{name}\" block(s) are required.", nb.min_items)),
            );
        }
        if nb.max_items > 0 && n > nb.max_items {
            let span = items.get(nb.max_items as usize).map(|(_, s)| *s).unwrap_or(header);
            diags.push(
                Diagnostic::error("too_many_blocks", format!("Too many {name} blocks"))
                    .with_span(span)
                    .with_detail(format!("No more than {} \"{name}\" block(s) are allowed.", nb.max_items)),
            );
        }
        if !configured_block && plcli_aws::is_computed_block(type_name, name) {
            block_values.push((plcli_lang::Key::from(name.as_str()), Value::Unknown));
            continue;
        }
        let values: Vec<Value> = items.into_iter().map(|(v, _)| v).collect();
        let v = match nb.nesting {
            Nesting::Single | Nesting::Group => values.into_iter().next().unwrap_or(Value::Null),
            Nesting::List => Value::List(values),
            Nesting::Set => Value::set(values),
            Nesting::Map => Value::Map(
                values
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Object(mut m) => {
                            let k = m.remove("__label").and_then(|l| l.as_str().map(str::to_string))?;
                            Some((k, Value::Object(m)))
                        }
                        _ => None,
                    })
                    .collect(),
            ),
        };
        block_values.push((plcli_lang::Key::from(name.as_str()), v));
    }
    attrs.extend_sorted(block_values);
    Value::Object(attrs.into())
}

fn with_labels(b: &Block, v: Value) -> Value {
    match (b.labels.first(), v) {
        (Some(l), Value::Object(mut m)) => {
            m.insert("__label".into(), Value::string(l.as_str()));
            Value::Object(m)
        }
        (_, v) => v,
    }
}

fn eval_expr(ev: &mut Evaluator<'_>, expr: &Expression, iterators: &[(String, Value)]) -> Result<Value, Diagnostic> {
    if iterators.is_empty() {
        return ev.eval(expr);
    }
    ev.eval_with_locals(expr, iterators)
}

#[allow(clippy::too_many_arguments)]
fn expand_dynamic(
    ev: &mut Evaluator<'_>,
    file: FileId,
    b: &Block,
    schema: Option<&BlockSchema>,
    type_name: &str,
    diags: &mut Diagnostics,
    iterators: &mut Vec<(String, Value)>,
    blocks: &mut BTreeMap<String, Vec<(Value, Span)>>,
) {
    let header = span_of(file, &b.ident);
    let Some(label) = b.labels.first().map(|l| l.as_str().to_string()) else {
        diags.push(
            Diagnostic::error("invalid_block_labels", "Missing label for dynamic block")
                .with_span(header)
                .with_detail("A dynamic block needs one label: the type of block to generate."),
        );
        return;
    };
    let nested = match schema {
        None => None,
        Some(s) => match s.blocks.get(&label) {
            Some(nb) => Some(&nb.block),
            None => {
                let mut d = Diagnostic::error("unsupported_block_type", "Unsupported block type")
                    .with_span(span_of(file, &b.labels[0]))
                    .with_detail(format!("Blocks of type \"{label}\" are not expected here in {type_name}."));
                if let Some(sugg) = did_you_mean(&label, s.blocks.keys().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{sugg}`?"));
                }
                diags.push(d);
                return;
            }
        },
    };
    let mut for_each = None;
    let mut iterator = label.clone();
    let mut content = None;
    for s in b.body.iter() {
        match s {
            Structure::Attribute(a) if a.key.as_str() == "for_each" => for_each = Some(&a.value),
            Structure::Attribute(a) if a.key.as_str() == "iterator" => match &a.value {
                Expression::Variable(v) => iterator = v.as_str().to_string(),
                other => diags.push(
                    Diagnostic::error("invalid_dynamic_iterator", "Invalid dynamic iterator name")
                        .with_span(span_of(file, other))
                        .with_detail("The iterator must be a plain name."),
                ),
            },
            Structure::Attribute(a) if a.key.as_str() == "labels" => {}
            Structure::Block(c) if c.ident.as_str() == "content" => content = Some(c),
            Structure::Attribute(a) => diags.push(
                Diagnostic::error("unsupported_argument", "Unsupported argument")
                    .with_span(span_of(file, &a.key))
                    .with_detail(format!("An argument named \"{}\" is not expected in a dynamic block.", a.key.as_str())),
            ),
            Structure::Block(c) => diags.push(
                Diagnostic::error("unsupported_block_type", "Unsupported block type")
                    .with_span(span_of(file, &c.ident))
                    .with_detail("A dynamic block contains only for_each, iterator, labels and one content block."),
            ),
        }
    }
    let (Some(for_each), Some(content)) = (for_each, content) else {
        diags.push(
            Diagnostic::error("missing_required_argument", "Incomplete dynamic block")
                .with_span(header)
                .with_detail("A dynamic block needs a for_each argument and a content block."),
        );
        return;
    };
    let coll = match eval_expr(ev, for_each, iterators) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let pairs: Vec<(Value, Value)> = match coll {
        Value::Unknown => {
            // Unknown number of blocks: check the content once with unknown values.
            vec![(Value::Unknown, Value::Unknown)]
        }
        Value::Null => Vec::new(),
        other => match other.into_iteration() {
            Ok(pairs) => pairs,
            Err(other) => {
                diags.push(
                    Diagnostic::error("invalid_dynamic_for_each", "Invalid dynamic for_each value")
                        .with_span(span_of(file, for_each))
                        .with_detail(format!("Cannot use a {} value in for_each. An iterable collection is required.", other.type_name())),
                );
                return;
            }
        },
    };
    let span = span_of(file, &content.ident);
    for (k, v) in pairs {
        let obj = Value::Object([("key".to_string(), k), ("value".to_string(), v)].into_iter().collect());
        iterators.push((iterator.clone(), obj));
        let value = eval_body_with(ev, file, &content.body, nested, &format!("{label} block"), span, diags, iterators);
        let value = match (schema.and_then(|s| s.blocks.get(&label)), nested) {
            (Some(nb), Some(ns)) if matches!(nb.nesting, Nesting::List | Nesting::Set) => zero_fill_optional(value, ns),
            _ => value,
        };
        iterators.pop();
        blocks.entry(label.clone()).or_default().push((value, span));
    }
}

/// Unset arguments of an attribute written as a block take the SDK's zero values (empty
/// collections, false, 0, ""), as the provider plans them.
fn zero_fill(v: Value, schema: &BlockSchema) -> Value {
    zero_fill_where(v, schema, |_| true)
}

/// Unset optional, non-computed arguments of a list/set block take zero values.
fn zero_fill_optional(v: Value, schema: &BlockSchema) -> Value {
    zero_fill_where(v, schema, |a| a.optional && !a.computed)
}

fn zero_fill_where(v: Value, schema: &BlockSchema, pick: impl Fn(&plcli_aws::Attribute) -> bool) -> Value {
    use plcli_lang::Type;
    let Value::Object(mut m) = v else { return v };
    for (k, a) in schema.attributes.iter().filter(|(_, a)| pick(a)) {
        if matches!(m.get(k.as_str()), None | Some(Value::Null)) {
            let zero = match a.ty_ref() {
                Type::List(_) => Value::List(vec![]),
                Type::Set(_) => Value::Set(vec![]),
                Type::Map(_) => Value::Map(Default::default()),
                Type::Bool => Value::Bool(false),
                Type::Number => Value::Number(0.0),
                Type::String => Value::String(String::new().into()),
                _ => Value::Null,
            };
            m.insert(k.as_str().into(), zero);
        }
    }
    Value::Object(m)
}

/// The schema of one element when a list/set-of-objects attribute is written as blocks: every
/// attribute optional (unset ones are null, as Terraform's blocktoattr fixup gives).
fn attr_as_block_schema(ty: &plcli_lang::Type) -> Option<BlockSchema> {
    use plcli_lang::Type;
    let (Type::List(elem) | Type::Set(elem)) = ty else { return None };
    let Type::Object(attrs) = elem.as_ref() else { return None };
    let mut schema = BlockSchema::default();
    for (name, a) in attrs {
        let cty = type_to_cty(&a.ty);
        schema.attributes.insert(name.clone(), plcli_aws::Attribute::optional_of(cty));
    }
    Some(schema)
}

fn type_to_cty(t: &plcli_lang::Type) -> serde_json::Value {
    use plcli_lang::Type;
    use serde_json::json;
    match t {
        Type::String => json!("string"),
        Type::Number => json!("number"),
        Type::Bool => json!("bool"),
        Type::Any => json!("dynamic"),
        Type::List(e) => json!(["list", type_to_cty(e)]),
        Type::Set(e) => json!(["set", type_to_cty(e)]),
        Type::Map(e) => json!(["map", type_to_cty(e)]),
        Type::Tuple(ts) => json!(["tuple", ts.iter().map(type_to_cty).collect::<Vec<_>>()]),
        Type::Object(a) => json!(["object", a.iter().map(|(k, v)| (k.clone(), type_to_cty(&v.ty))).collect::<serde_json::Map<_, _>>()]),
    }
}
