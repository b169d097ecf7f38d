use std::collections::BTreeMap;

use plcli_lang::{ObjectAttr, Type, Value};
use plcli_syntax::ast::{Expression, ObjectKey};
use plcli_syntax::{Diagnostic, FileId};

use crate::eval::{Evaluator, NoScope};
use crate::span_of;

/// Parses a type constraint expression (`list(string)`, `object({a = optional(number, 1)})`,
/// legacy quoted `"list"`). Returns the type and warnings (legacy forms).
pub fn parse_type(file: FileId, expr: &Expression) -> Result<(Type, Vec<Diagnostic>), Diagnostic> {
    let mut warnings = Vec::new();
    let ty = parse(file, expr, false, &mut warnings)?.0;
    Ok((ty, warnings))
}

fn invalid(file: FileId, expr: &Expression, detail: &str) -> Diagnostic {
    Diagnostic::error("invalid_type", "Invalid type specification")
        .with_span(span_of(file, expr))
        .with_detail(detail.to_string())
        .with_help("types are string, number, bool, any, list(T), set(T), map(T), object({...}) and tuple([...])")
}

/// Returns the type, whether it was `optional(...)`, and the optional default.
fn parse(
    file: FileId,
    expr: &Expression,
    in_object: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Type, bool, Option<Value>), Diagnostic> {
    match expr {
        Expression::Variable(v) => {
            let t = match v.as_str() {
                "string" => Type::String,
                "number" => Type::Number,
                "bool" => Type::Bool,
                "any" => Type::Any,
                "list" | "set" | "map" => {
                    return Err(invalid(file, expr, &format!("The {0} type constructor requires one argument specifying the element type: write {0}(string) or {0}(any).", v.as_str())))
                }
                other => return Err(invalid(file, expr, &format!("The keyword \"{other}\" is not a valid type specification."))),
            };
            Ok((t, false, None))
        }
        Expression::String(s) => {
            let t = match s.as_str() {
                "string" => Type::String,
                "list" => Type::List(Box::new(Type::String)),
                "map" => Type::Map(Box::new(Type::String)),
                other => return Err(invalid(file, expr, &format!("\"{other}\" is not a type; write the type without quotes."))),
            };
            warnings.push(
                Diagnostic::warning("quoted_type", "Quoted type constraints are deprecated")
                    .with_span(span_of(file, expr))
                    .with_detail(format!("Terraform 0.11 and earlier required type constraints to be given in quotes. plcli reads \"{}\" as {t}, but Terraform 1.x rejects it.", s.as_str()))
                    .with_help(format!("write type = {t}")),
            );
            Ok((t, false, None))
        }
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            let one_arg = |args: &[&Expression]| -> Result<(), Diagnostic> {
                if args.len() == 1 {
                    Ok(())
                } else {
                    Err(invalid(file, expr, &format!("The {name} type constructor requires exactly one argument.")))
                }
            };
            match name {
                "list" | "set" | "map" => {
                    one_arg(&args)?;
                    let (elem, opt, _) = parse(file, args[0], false, warnings)?;
                    if opt {
                        return Err(invalid(file, args[0], "optional() may only be used on object attributes."));
                    }
                    let elem = Box::new(elem);
                    Ok((match name { "list" => Type::List(elem), "set" => Type::Set(elem), _ => Type::Map(elem) }, false, None))
                }
                "tuple" => {
                    one_arg(&args)?;
                    let Expression::Array(items) = args[0] else {
                        return Err(invalid(file, args[0], "The tuple type constructor requires a list of element types: tuple([string, number])."));
                    };
                    let mut types = Vec::new();
                    for item in items.iter() {
                        types.push(parse(file, item, false, warnings)?.0);
                    }
                    Ok((Type::Tuple(types), false, None))
                }
                "object" => {
                    one_arg(&args)?;
                    let Expression::Object(obj) = args[0] else {
                        return Err(invalid(file, args[0], "The object type constructor requires an object of attribute types: object({ name = string })."));
                    };
                    let mut attrs = BTreeMap::new();
                    for (key, value) in obj.iter() {
                        let name = match key {
                            ObjectKey::Ident(id) => id.as_str().to_string(),
                            ObjectKey::Expression(Expression::Variable(v)) => v.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                            ObjectKey::Expression(e) => return Err(invalid(file, e, "Object type attribute names must be plain names.")),
                        };
                        let (ty, optional, default) = parse(file, value.expr(), true, warnings)?;
                        attrs.insert(name, ObjectAttr { ty, optional, default });
                    }
                    Ok((Type::Object(attrs), false, None))
                }
                "optional" => {
                    if !in_object {
                        return Err(invalid(file, expr, "optional() may only be used on object attributes."));
                    }
                    if args.is_empty() || args.len() > 2 {
                        return Err(invalid(file, expr, "optional() takes a type and, optionally, a default value."));
                    }
                    let (ty, _, _) = parse(file, args[0], false, warnings)?;
                    let default = match args.get(1) {
                        Some(d) => {
                            let v = Evaluator::new(file, &NoScope::HERE).eval(d)?;
                            Some(ty.convert(&v).map_err(|m| {
                                Diagnostic::error("invalid_type", "Invalid default value for optional attribute")
                                    .with_span(span_of(file, *d))
                                    .with_detail(m)
                            })?)
                        }
                        None => None,
                    };
                    Ok((ty, true, default))
                }
                other => Err(invalid(file, expr, &format!("Keyword \"{other}\" is not a valid type constructor."))),
            }
        }
        _ => Err(invalid(file, expr, "A type specification is either a primitive type keyword (bool, number, string), the keyword any, or a type constructor call like list(string).")),
    }
}
