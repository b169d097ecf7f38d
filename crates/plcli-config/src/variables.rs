//! Input variable values from every source, with Terraform's precedence (SPEC §2), lowest
//! first: `default`, `TF_VAR_<name>`, `terraform.tfvars`, `terraform.tfvars.json`,
//! `*.auto.tfvars(.json)` in lexical order, then `--var-file` and `--var` in command-line order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plcli_eval::{span_of, Evaluator, NoScope};
use plcli_lang::{Type, Value};
use plcli_syntax::ast::Structure;
use plcli_syntax::{parse_tfvars, Diagnostic, Diagnostics, SourceMap, Span, TfvarsFile};

use crate::Module;

/// A variable value given on the command line, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliVar {
    /// `--var-file FILE`
    File(PathBuf),
    /// `--var NAME=VALUE`
    Var(String),
}

/// The value of each root variable and where it was set.
#[derive(Debug, Default)]
pub struct VarValues {
    pub values: BTreeMap<String, Value>,
    /// Where a value came from, when it came from a file.
    pub spans: BTreeMap<String, Span>,
    /// Variables that have no value (required, none given).
    pub missing: Vec<String>,
}

/// tfvars files and `--var` values hold literals only.
const LITERAL: NoScope = NoScope { place: "in a variable definitions file" };

/// Collects root variable values. `env` is the process environment (passed in for tests).
/// A required variable without a value is left out of `values` and listed in `missing`.
pub fn collect(root: &Module, dir: &Path, env: &[(String, String)], cli: &[CliVar], sources: &mut SourceMap) -> (VarValues, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut raw: BTreeMap<String, (Value, Option<Span>)> = BTreeMap::new();
    for (name, var) in &root.variables {
        if let Some(d) = &var.default {
            raw.insert(name.clone(), (d.clone(), None));
        }
    }
    for (k, v) in env {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            if let Some(var) = root.variables.get(name) {
                match parse_raw(&var.ty, v, sources, &format!("TF_VAR_{name}")) {
                    Ok(val) => {
                        raw.insert(name.to_string(), (val, None));
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    let mut auto: Vec<PathBuf> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(name);
        if p.is_file() {
            auto.push(p);
        }
    }
    let mut autos: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    p.is_file() && (n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    auto.extend(autos);
    for path in auto {
        let display = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        read_file(root, &path, &display, false, sources, &mut raw, &mut diags);
    }
    for item in cli {
        match item {
            CliVar::File(path) => {
                if !path.is_file() {
                    diags.push(
                        Diagnostic::error("var_file_not_found", format!("Failed to read variables file {}", path.display()))
                            .with_detail("The file given with --var-file does not exist.")
                            .with_help("check the path (it is relative to the current directory)"),
                    );
                    continue;
                }
                read_file(root, path, &path.display().to_string(), true, sources, &mut raw, &mut diags);
            }
            CliVar::Var(assign) => {
                let Some((name, value)) = assign.split_once('=') else {
                    diags.push(Diagnostic::error("invalid_var_option", format!("Invalid --var option \"{assign}\"")).with_detail(
                        "The given --var option must be a variable name and value separated by an equals sign, like --var key=value.",
                    ));
                    continue;
                };
                let name = name.trim();
                let Some(var) = root.variables.get(name) else {
                    let mut d = Diagnostic::error("undeclared_variable", format!("Value for undeclared variable \"{name}\""))
                        .with_detail(format!("A variable named \"{name}\" was assigned on the command line, but the root module does not declare a variable of that name."));
                    if let Some(s) = plcli_eval::did_you_mean(name, root.variables.keys().map(String::as_str)) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                    continue;
                };
                match parse_raw(&var.ty, value, sources, &format!("--var {name}")) {
                    Ok(val) => {
                        raw.insert(name.to_string(), (val, None));
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    let mut out = VarValues::default();
    for (name, var) in &root.variables {
        match raw.remove(name) {
            Some((Value::Null, span)) if !var.nullable => {
                let mut d = Diagnostic::error("invalid_variable_value", format!("Invalid value for variable \"{name}\""))
                    .with_detail("The variable is declared with nullable = false, so it cannot be set to null.");
                d = d.with_span(span.unwrap_or(var.span));
                diags.push(d);
            }
            Some((v, span)) => match var.ty.convert(&v) {
                Ok(v) => {
                    out.values.insert(name.clone(), v);
                    if let Some(s) = span {
                        out.spans.insert(name.clone(), s);
                    }
                }
                Err(m) => diags.push(
                    Diagnostic::error("invalid_variable_value", format!("Invalid value for variable \"{name}\""))
                        .with_span(span.unwrap_or(var.span))
                        .with_detail(format!(
                            "The given value is not suitable for var.{name} declared at {}: {m}.",
                            sources.location(var.span)
                        ))
                        .with_help(format!("the variable's type is {}", var.ty)),
                ),
            },
            None => out.missing.push(name.clone()),
        }
    }
    (out, diags)
}

/// `--var` and `TF_VAR_` values: a string variable takes the text as is; other types parse it
/// as an HCL expression, as Terraform does.
fn parse_raw(ty: &Type, text: &str, sources: &mut SourceMap, origin: &str) -> Result<Value, Diagnostic> {
    // Without a type constraint the raw text is a string, as in Terraform.
    if matches!(ty, Type::String | Type::Any) {
        return Ok(Value::string(text));
    }
    let file = sources.add(origin.to_string(), Path::new(origin), text.to_string());
    match plcli_syntax::ast::parse_expr(text) {
        Ok(expr) => Evaluator::new(file, &LITERAL).eval(&expr),
        Err(e) => Err(Diagnostic::error("invalid_variable_value", format!("Invalid value for {origin}"))
            .with_span(Span::new(file, 0..text.len()))
            .with_detail(format!("The value must be a valid expression for this variable's type: {}", e.message()))),
    }
}

fn read_file(
    root: &Module,
    path: &Path,
    display: &str,
    explicit: bool,
    sources: &mut SourceMap,
    raw: &mut BTreeMap<String, (Value, Option<Span>)>,
    diags: &mut Diagnostics,
) {
    let parsed = match parse_tfvars(path, display, sources) {
        Ok(p) => p,
        Err(d) => {
            diags.extend(d);
            return;
        }
    };
    let _ = explicit;
    match parsed {
        TfvarsFile::Json { file, value } => {
            if let serde_json::Value::Object(map) = value {
                for (k, v) in map {
                    if root.variables.contains_key(&k) {
                        raw.insert(k, (Value::from_json(&v), Some(Span::new(file, 0..0))));
                    } else {
                        diags.push(undeclared_in_file(&k, Span::new(file, 0..0)));
                    }
                }
            }
        }
        TfvarsFile::Hcl { file, body } => {
            for s in body.into_iter() {
                if let Structure::Attribute(a) = s {
                    let name = a.key.as_str().to_string();
                    let span = span_of(file, &a.key);
                    if !root.variables.contains_key(&name) {
                        diags.push(undeclared_in_file(&name, span));
                        continue;
                    }
                    match Evaluator::new(file, &LITERAL).eval(&a.value) {
                        Ok(v) => {
                            raw.insert(name, (v, Some(span_of(file, &a.value))));
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
    }
}

fn undeclared_in_file(name: &str, span: Span) -> Diagnostic {
    Diagnostic::warning("undeclared_variable", format!("Value for undeclared variable \"{name}\""))
        .with_span(span)
        .with_detail(format!("The root module does not declare a variable named \"{name}\", so this value is ignored."))
}
