use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plcli_eval::{parse_type, references, span_of, ResourceMode, Subject};
use plcli_lang::{Type, Value};
use plcli_syntax::ast::{Attribute, Block, BlockLabel, Body, Structure};
use plcli_syntax::ast::{Expression, TraversalOperator};
use plcli_syntax::{load_root, Diagnostic, Diagnostics, FileId, FileKind, SourceMap, Span};

/// Deepest module nesting accepted (guards against a module that calls itself).
const MAX_MODULE_DEPTH: usize = 16;

/// A `validation` block of a variable.
#[derive(Debug)]
pub struct Validation {
    pub condition: Expression,
    pub error_message: Option<Expression>,
    pub span: Span,
}

/// A `variable` block.
#[derive(Debug)]
pub struct Variable {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub ty: Type,
    pub default: Option<Value>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<Validation>,
}

/// One entry of a `locals` block.
#[derive(Debug)]
pub struct Local {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub expr: Expression,
}

/// An `output` block.
#[derive(Debug)]
pub struct Output {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub value: Option<Expression>,
    pub sensitive: bool,
    pub description: Option<String>,
    pub depends_on: Vec<(Subject, Span)>,
    pub preconditions: Vec<Validation>,
}

/// `provider = aws.x` (or legacy `"aws.x"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRef {
    pub name: String,
    pub alias: Option<String>,
    pub span: Span,
}

impl ProviderRef {
    /// `aws` or `aws.alias`.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A `lifecycle` block.
#[derive(Debug, Default)]
pub struct Lifecycle {
    pub create_before_destroy: Option<Expression>,
    pub prevent_destroy: Option<Expression>,
    /// Attribute paths (first step names), or `all`.
    pub ignore_changes: Vec<(String, Span)>,
    pub ignore_all: bool,
    pub preconditions: Vec<Validation>,
    pub postconditions: Vec<Validation>,
}

/// See [`Resource::configured`].
fn configured_names(body: &Body) -> std::sync::Arc<[String]> {
    let mut names: Vec<String> = body
        .iter()
        .map(|s| match s {
            Structure::Attribute(a) => a.key.as_str().to_string(),
            Structure::Block(b) if b.ident.as_str() == "dynamic" => b.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default(),
            Structure::Block(b) => b.ident.as_str().to_string(),
        })
        .collect();
    names.sort();
    names.dedup();
    names.into()
}

/// The lifecycle of a resource without a `lifecycle` block.
fn no_lifecycle() -> std::sync::Arc<Lifecycle> {
    static NONE: std::sync::LazyLock<std::sync::Arc<Lifecycle>> = std::sync::LazyLock::new(Default::default);
    std::sync::Arc::clone(&NONE)
}

/// A `resource` or `data` block.
#[derive(Debug)]
pub struct Resource {
    pub mode: ResourceMode,
    pub ty: String,
    pub name: String,
    pub file: FileId,
    /// The block header (`resource "aws_vpc" "main"`).
    pub span: Span,
    pub type_span: Span,
    /// Arguments and nested blocks, without the meta-arguments.
    pub body: Body,
    /// The names of the top-level arguments and blocks of `body` (a `dynamic` block by its
    /// label), sorted, without repeats: what the configuration sets (the rest is unset).
    pub configured: std::sync::Arc<[String]>,
    pub count: Option<Expression>,
    pub for_each: Option<Expression>,
    pub provider: Option<ProviderRef>,
    pub depends_on: Vec<(Subject, Span)>,
    /// Shared: nearly every resource has none, and all of those share one empty block.
    pub lifecycle: std::sync::Arc<Lifecycle>,
}

impl Resource {
    /// `aws_vpc.main` or `data.aws_region.current`.
    pub fn address(&self) -> String {
        match self.mode {
            ResourceMode::Managed => format!("{}.{}", self.ty, self.name),
            ResourceMode::Data => format!("data.{}.{}", self.ty, self.name),
        }
    }

    /// The provider local name this resource uses by default: the type's prefix.
    pub fn provider_key(&self) -> String {
        match &self.provider {
            Some(p) => p.key(),
            None => self.ty.split('_').next().unwrap_or("").to_string(),
        }
    }
}

/// Where a module's code comes from.
#[derive(Debug)]
pub enum ModuleSource {
    /// Loaded: a local directory, or one listed in `.terraform/modules/modules.json`.
    Loaded(Box<Module>),
    /// A registry or remote source that is not available offline.
    Unavailable(String),
}

/// A `module` block.
#[derive(Debug)]
pub struct ModuleCall {
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub source: String,
    pub count: Option<Expression>,
    pub for_each: Option<Expression>,
    pub providers: Vec<(String, ProviderRef)>,
    pub depends_on: Vec<(Subject, Span)>,
    /// Input variable arguments.
    pub args: Vec<(String, Span, Expression)>,
    pub module: ModuleSource,
}

/// A `provider` block.
#[derive(Debug)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub file: FileId,
    pub span: Span,
    pub body: Body,
}

impl ProviderConfig {
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A plcli-only block (`simulation`, `path`, `scenario`), decoded by later stages.
#[derive(Debug)]
pub struct PlcliBlock {
    pub kind: String,
    pub name: Option<String>,
    pub file: FileId,
    pub span: Span,
    pub body: Body,
}

/// One module: the root or a child.
#[derive(Debug, Default)]
pub struct Module {
    /// Call names from the root (empty for the root).
    pub path: Vec<String>,
    pub dir: PathBuf,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    /// Boxed: the map is built from thousands of resources, and a resource is large.
    pub resources: BTreeMap<(ResourceMode, String, String), Box<Resource>>,
    pub calls: BTreeMap<String, ModuleCall>,
    pub providers: BTreeMap<String, ProviderConfig>,
    /// `required_providers` local name → source address.
    pub required_providers: BTreeMap<String, String>,
    pub plcli: Vec<PlcliBlock>,
}

impl Module {
    /// `module.a.module.b` prefix for addresses ("" for the root).
    pub fn address_prefix(&self) -> String {
        self.path.iter().map(|p| format!("module.{p}.")).collect()
    }

    pub fn resource(&self, mode: ResourceMode, ty: &str, name: &str) -> Option<&Resource> {
        self.resources.get(&(mode, ty.to_string(), name.to_string())).map(|r| &**r)
    }

    /// Visits this module and every loaded child, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Module)) {
        f(self);
        for call in self.calls.values() {
            if let ModuleSource::Loaded(m) = &call.module {
                m.walk(f);
            }
        }
    }
}

/// Loads and decodes the root module at `dir` and every local module it calls.
pub fn load_config(dir: &Path, sources: &mut SourceMap) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::new();
    let modules_json = read_modules_json(dir);
    let module = load_module(dir, dir, Vec::new(), "", sources, &mut diags, &modules_json);
    (module, diags)
}

fn read_modules_json(root: &Path) -> BTreeMap<String, PathBuf> {
    let path = root.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(path) else { return BTreeMap::new() };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { return BTreeMap::new() };
    json.get("Modules")
        .and_then(|m| m.as_array())
        .map(|mods| mods.iter().filter_map(|m| Some((m.get("Key")?.as_str()?.to_string(), root.join(m.get("Dir")?.as_str()?)))).collect())
        .unwrap_or_default()
}

fn load_module(
    root: &Path,
    dir: &Path,
    path: Vec<String>,
    display_prefix: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    modules_json: &BTreeMap<String, PathBuf>,
) -> Module {
    let (loaded, load_diags) = load_root(dir, display_prefix, sources, &predecode);
    diags.extend(load_diags);
    let mut module = Module { path, dir: dir.to_path_buf(), ..Module::default() };
    for file in loaded.files {
        for item in file.parts.into_iter().flatten() {
            match item {
                Predecoded::Resource(decoded) => enter_resource(&mut module, decoded, diags),
                Predecoded::Other(structure) => decode_structure(&mut module, file.file, file.kind, structure, diags),
            }
        }
    }
    // Load children.
    let names: Vec<String> = module.calls.keys().cloned().collect();
    for name in names {
        let call = module.calls.get(&name).expect("listed");
        let source = call.source.clone();
        let mut child_path = module.path.clone();
        child_path.push(name.clone());
        let is_local = source.starts_with("./") || source.starts_with("../");
        let key = child_path.join(".");
        let child_dir = if is_local { Some(dir.join(&source)) } else { modules_json.get(&key).cloned() };
        let loaded = match child_dir {
            Some(child_dir) if child_path.len() <= MAX_MODULE_DEPTH => {
                let prefix = match child_dir.strip_prefix(root) {
                    Ok(rel) => format!("{}/", rel.display()),
                    Err(_) => format!("{}/", child_dir.display()),
                };
                let prefix = normalize(&prefix);
                ModuleSource::Loaded(Box::new(load_module(root, &child_dir, child_path, &prefix, sources, diags, modules_json)))
            }
            Some(_) => {
                diags.push(Diagnostic::error("module_too_deep", "Module nesting is too deep").with_span(call.span).with_detail(format!(
                    "Modules may be nested at most {MAX_MODULE_DEPTH} levels; this usually means a module calls itself."
                )));
                ModuleSource::Unavailable(source)
            }
            None => {
                diags.push(
                    Diagnostic::warning("module_not_available", "Module not available offline")
                        .with_span(call.span)
                        .with_detail(format!("The module source \"{source}\" is not a local path and `terraform init` has not installed it (.terraform/modules/modules.json). plcli does not download modules: its outputs are unknown and its resources are not simulated."))
                        .with_help("run `terraform init` once to install it, or use a local source (./path)"),
                );
                ModuleSource::Unavailable(source)
            }
        };
        if let Some(call) = module.calls.get_mut(&name) {
            call.module = loaded;
        }
    }
    module
}

/// Collapses `a/./b` and `a/x/../b` in a display path.
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "." | "" => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    s.push('/');
    s
}

fn label_str(l: &BlockLabel) -> &str {
    l.as_str()
}

fn block_span(file: FileId, block: &Block) -> Span {
    let start = span_of(file, &block.ident);
    match block.labels.last() {
        Some(l) => start.to(span_of(file, l)),
        None => start,
    }
}

fn dup(kind: &str, what: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error("duplicate_declaration", format!("Duplicate {kind} \"{what}\""))
        .with_span(span)
        .with_label("declared again here")
        .with_related(first, "first declared here")
        .with_detail(format!("A {kind} named \"{what}\" was already declared. Each must have a unique name within a module."))
        .with_help("rename or remove one of them")
}

fn expect_labels(file: FileId, block: &Block, n: usize, names: &str, diags: &mut Diagnostics) -> bool {
    if block.labels.len() == n {
        return true;
    }
    let what = if block.labels.len() < n { "Missing" } else { "Extra" };
    diags.push(
        Diagnostic::error("invalid_block_labels", format!("{what} label for {} block", block.ident.as_str()))
            .with_span(block_span(file, block))
            .with_detail(format!("A {} block needs {n} label(s): {names}.", block.ident.as_str())),
    );
    false
}

/// A top-level structure as far as it can be decoded on its own, on the thread that parsed
/// it: `resource` and `data` blocks (nearly all of a large configuration) completely; the rest
/// is decoded in file order by [`decode_structure`].
enum Predecoded {
    Resource(Result<(Box<Resource>, Diagnostics), Diagnostics>),
    Other(Structure),
}

fn predecode(file: FileId, kind: FileKind, body: Body) -> Vec<Predecoded> {
    body.into_iter()
        .map(|structure| match structure {
            Structure::Block(block) if kind == FileKind::Tf && matches!(block.ident.as_str(), "resource" | "data") => {
                let mode = if block.ident.as_str() == "data" { ResourceMode::Data } else { ResourceMode::Managed };
                Predecoded::Resource(decode_resource_block(file, block, mode))
            }
            other => Predecoded::Other(other),
        })
        .collect()
}

fn decode_structure(module: &mut Module, file: FileId, kind: FileKind, structure: Structure, diags: &mut Diagnostics) {
    match structure {
        Structure::Attribute(attr) => {
            diags.push(
                Diagnostic::error("unsupported_argument", format!("Unsupported argument \"{}\"", attr.key.as_str()))
                    .with_span(span_of(file, &attr.key))
                    .with_detail("An argument is not expected at the top level of a configuration file; only blocks are.")
                    .with_help("arguments belong inside a block such as resource, variable or locals"),
            );
        }
        Structure::Block(block) => {
            let ident = block.ident.as_str().to_string();
            match (kind, ident.as_str()) {
                (FileKind::Plcli, "simulation" | "path" | "scenario") => decode_plcli(module, file, block, diags),
                (FileKind::Tf, "simulation" | "path" | "scenario") => diags.push(
                    Diagnostic::error("plcli_block_in_tf", format!("The {ident} block belongs in a *.plcli.hcl file"))
                        .with_span(block_span(file, &block))
                        .with_detail(format!("`{ident}` is a plcli-only block; .tf files must stay valid Terraform."))
                        .with_help("move it to a file such as simulation.plcli.hcl"),
                ),
                (FileKind::Plcli, other) => diags.push(
                    Diagnostic::error("unsupported_block_type", format!("Unsupported block type \"{other}\" in a plcli file"))
                        .with_span(block_span(file, &block))
                        .with_detail("*.plcli.hcl files may contain only simulation, path and scenario blocks.")
                        .with_help("Terraform blocks belong in .tf files"),
                ),
                (FileKind::Tf, "resource") => decode_resource(module, file, block, ResourceMode::Managed, diags),
                (FileKind::Tf, "data") => decode_resource(module, file, block, ResourceMode::Data, diags),
                (FileKind::Tf, "variable") => decode_variable(module, file, block, diags),
                (FileKind::Tf, "locals") => decode_locals(module, file, block, diags),
                (FileKind::Tf, "output") => decode_output(module, file, block, diags),
                (FileKind::Tf, "module") => decode_module_call(module, file, block, diags),
                (FileKind::Tf, "provider") => decode_provider(module, file, block, diags),
                (FileKind::Tf, "terraform") => decode_terraform(module, file, block),
                (FileKind::Tf, "moved" | "import" | "removed" | "check") => diags.push(
                    Diagnostic::warning("block_ignored", format!("{ident} blocks are ignored by plcli"))
                        .with_span(block_span(file, &block))
                        .with_detail(format!("plcli does not support `{ident}` blocks; the block is skipped.")),
                ),
                (FileKind::Tf, other) => {
                    let mut d = Diagnostic::error("unsupported_block_type", format!("Unsupported block type \"{other}\""))
                        .with_span(span_of(file, &block.ident))
                        .with_detail(format!("Blocks of type \"{other}\" are not expected here."));
                    if let Some(s) = plcli_eval::did_you_mean(
                        other,
                        ["resource", "data", "variable", "locals", "output", "module", "provider", "terraform"],
                    ) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                }
            }
        }
    }
}

fn decode_terraform(module: &mut Module, file: FileId, block: Block) {
    let _ = file;
    for s in block.body.into_iter() {
        if let Structure::Block(b) = s {
            if b.ident.as_str() == "required_providers" {
                for s in b.body.into_iter() {
                    if let Structure::Attribute(a) = s {
                        let source = match &a.value {
                            Expression::Object(o) => o
                                .iter()
                                .find(|(k, _)| {
                                    k.as_ident().map(|i| i.as_str()) == Some("source")
                                        || matches!(k.as_expr(), Some(Expression::Variable(v)) if v.as_str() == "source")
                                })
                                .and_then(|(_, v)| match v.expr() {
                                    Expression::String(s) => Some(s.as_str().to_string()),
                                    _ => None,
                                }),
                            Expression::String(s) => Some(s.as_str().to_string()),
                            _ => None,
                        };
                        let source = source.unwrap_or_else(|| format!("hashicorp/{}", a.key.as_str()));
                        module.required_providers.insert(a.key.as_str().to_string(), source);
                    }
                }
            }
        }
    }
}

fn decode_plcli(module: &mut Module, file: FileId, block: Block, diags: &mut Diagnostics) {
    let kind = block.ident.as_str().to_string();
    let name = match kind.as_str() {
        "simulation" => {
            if !expect_labels(file, &block, 0, "none", diags) {
                return;
            }
            if let Some(first) = module.plcli.iter().find(|b| b.kind == "simulation") {
                diags.push(dup("simulation block", "simulation", block_span(file, &block), first.span));
                return;
            }
            None
        }
        _ => {
            if !expect_labels(file, &block, 1, "a name", diags) {
                return;
            }
            let name = label_str(&block.labels[0]).to_string();
            if let Some(first) = module.plcli.iter().find(|b| b.kind == kind && b.name.as_deref() == Some(&name)) {
                diags.push(dup(&format!("{kind} block"), &name, block_span(file, &block), first.span));
                return;
            }
            Some(name)
        }
    };
    let span = block_span(file, &block);
    module.plcli.push(PlcliBlock { kind, name, file, span, body: block.body });
}

/// Moves the named attributes out of a body.
fn take_attrs(body: Body, names: &[&str]) -> (Body, BTreeMap<String, Attribute>) {
    let mut taken = BTreeMap::new();
    // Exactly as large as needed: a growing vector would leave room for up to as many
    // structures again in every resource.
    let mut rest = Body::with_capacity(body.len());
    for s in body.into_iter() {
        match s {
            Structure::Attribute(a) if names.contains(&a.key.as_str()) => {
                taken.insert(a.key.as_str().to_string(), a);
            }
            other => rest.push(other),
        }
    }
    (rest, taken)
}

fn literal_string(file: FileId, attr: &Attribute, diags: &mut Diagnostics) -> Option<String> {
    match &attr.value {
        Expression::String(s) => Some(s.as_str().to_string()),
        e @ (Expression::HeredocTemplate(_) | Expression::StringTemplate(_))
            if plcli_eval::Evaluator::new(file, &plcli_eval::NoScope::HERE).eval(e).is_ok() =>
        {
            plcli_eval::Evaluator::new(file, &plcli_eval::NoScope::HERE).eval(e).ok().and_then(|v| v.as_str().map(str::to_string))
        }
        other => {
            diags.push(
                Diagnostic::error("invalid_literal", format!("Invalid value for \"{}\"", attr.key.as_str()))
                    .with_span(span_of(file, other))
                    .with_detail("A literal string is required here: this argument cannot refer to other objects."),
            );
            None
        }
    }
}

fn literal_bool(file: FileId, attr: &Attribute, diags: &mut Diagnostics) -> bool {
    match plcli_eval::Evaluator::new(file, &plcli_eval::NoScope::HERE).eval(&attr.value) {
        Ok(Value::Bool(b)) => b,
        Ok(Value::String(s)) if s == "true" || s == "false" => s == "true",
        _ => {
            diags.push(
                Diagnostic::error("invalid_literal", format!("Invalid value for \"{}\"", attr.key.as_str()))
                    .with_span(span_of(file, &attr.value))
                    .with_detail("A literal bool (true or false) is required here."),
            );
            false
        }
    }
}

fn decode_conditions(file: FileId, block: Block, diags: &mut Diagnostics) -> Option<Validation> {
    let span = block_span(file, &block);
    let (rest, mut attrs) = take_attrs(block.body, &["condition", "error_message"]);
    check_no_extra(file, &rest, &format!("{} block", block.ident.as_str()), diags);
    let Some(cond) = attrs.remove("condition") else {
        diags.push(missing_arg(file, span, "condition", block.ident.as_str()));
        return None;
    };
    Some(Validation { condition: cond.value, error_message: attrs.remove("error_message").map(|a| a.value), span })
}

fn missing_arg(_file: FileId, span: Span, name: &str, block: &str) -> Diagnostic {
    Diagnostic::error("missing_required_argument", "Missing required argument")
        .with_span(span)
        .with_detail(format!("The argument \"{name}\" is required in a {block} block, but no definition was found."))
        .with_help(format!("add `{name} = ...`"))
}

fn check_no_extra(file: FileId, rest: &Body, what: &str, diags: &mut Diagnostics) {
    for s in rest.iter() {
        let (name, span) = match s {
            Structure::Attribute(a) => (a.key.as_str(), span_of(file, &a.key)),
            Structure::Block(b) => (b.ident.as_str(), span_of(file, &b.ident)),
        };
        diags.push(
            Diagnostic::error("unsupported_argument", format!("Unsupported argument \"{name}\""))
                .with_span(span)
                .with_detail(format!("An argument or block named \"{name}\" is not expected in a {what}.")),
        );
    }
}

fn decode_variable(module: &mut Module, file: FileId, block: Block, diags: &mut Diagnostics) {
    if !expect_labels(file, &block, 1, "the variable name", diags) {
        return;
    }
    let name = label_str(&block.labels[0]).to_string();
    let span = block_span(file, &block);
    if let Some(first) = module.variables.get(&name) {
        diags.push(dup("variable", &name, span, first.span));
        return;
    }
    let mut validations = Vec::new();
    let mut body = Body::new();
    for s in block.body.into_iter() {
        match s {
            Structure::Block(b) if b.ident.as_str() == "validation" => {
                if let Some(v) = decode_conditions(file, b, diags) {
                    validations.push(v);
                }
            }
            other => body.push(other),
        }
    }
    let (rest, attrs) = take_attrs(body, &["type", "default", "description", "sensitive", "nullable", "ephemeral"]);
    check_no_extra(file, &rest, "variable block", diags);
    let ty = match attrs.get("type") {
        Some(a) => match parse_type(file, &a.value) {
            Ok((t, warnings)) => {
                diags.0.extend(warnings);
                t
            }
            Err(d) => {
                diags.push(d);
                Type::Any
            }
        },
        None => Type::Any,
    };
    let default = match attrs.get("default") {
        Some(a) => match plcli_eval::Evaluator::new(file, &plcli_eval::NoScope::HERE).eval(&a.value) {
            Ok(v) => match ty.convert(&v) {
                Ok(v) => Some(v),
                Err(m) => {
                    diags.push(
                        Diagnostic::error("invalid_default_value", "Invalid default value for variable")
                            .with_span(span_of(file, &a.value))
                            .with_detail(format!("This default value is not compatible with the variable's type constraint: {m}."))
                            .with_help(format!("the variable is declared as {ty}")),
                    );
                    None
                }
            },
            Err(d) => {
                diags.push(d);
                None
            }
        },
        None => None,
    };
    let description = attrs.get("description").and_then(|a| literal_string(file, a, diags));
    let sensitive = attrs.get("sensitive").is_some_and(|a| literal_bool(file, a, diags));
    let nullable = attrs.get("nullable").map(|a| literal_bool(file, a, diags)).unwrap_or(true);
    module.variables.insert(name.clone(), Variable { name, file, span, ty, default, description, sensitive, nullable, validations });
}

fn decode_locals(module: &mut Module, file: FileId, block: Block, diags: &mut Diagnostics) {
    expect_labels(file, &block, 0, "none", diags);
    for s in block.body.into_iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str().to_string();
                let span = span_of(file, &a.key);
                if let Some(first) = module.locals.get(&name) {
                    diags.push(dup("local value", &name, span, first.span));
                    continue;
                }
                module.locals.insert(name.clone(), Local { name, file, span, expr: a.value });
            }
            Structure::Block(b) => diags.push(
                Diagnostic::error("unsupported_block_type", "Unexpected block in locals")
                    .with_span(span_of(file, &b.ident))
                    .with_detail("A locals block contains only `name = value` definitions."),
            ),
        }
    }
}

fn decode_depends_on(file: FileId, attr: Option<Attribute>, diags: &mut Diagnostics) -> Vec<(Subject, Span)> {
    let Some(attr) = attr else { return Vec::new() };
    let Expression::Array(items) = &attr.value else {
        diags.push(
            Diagnostic::error("invalid_depends_on", "Invalid depends_on")
                .with_span(span_of(file, &attr.value))
                .with_detail("depends_on must be a list of references, e.g. [aws_vpc.main]."),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let item_span = span_of(file, item);
        // Legacy quoted references ("aws_vpc.main") still work, with a warning.
        let parsed;
        let expr = match item {
            Expression::String(s) => {
                diags.push(
                    Diagnostic::warning("quoted_reference", "Quoted references are deprecated")
                        .with_span(item_span)
                        .with_detail("In this context, references are expected literally rather than in quotes.")
                        .with_help(format!("remove the quotes: {}", s.as_str())),
                );
                match plcli_syntax::ast::parse_expr(s.as_str()) {
                    Ok(e) => {
                        parsed = e;
                        &parsed
                    }
                    Err(_) => {
                        diags.push(Diagnostic::error("invalid_depends_on", "Invalid depends_on reference").with_span(item_span));
                        continue;
                    }
                }
            }
            other => other,
        };
        let (refs, errs) = references(file, expr);
        diags.0.extend(errs);
        match refs.into_iter().next() {
            Some(r) if matches!(r.subject, Subject::Resource { .. } | Subject::Module(_)) => out.push((r.subject, item_span)),
            _ => diags.push(
                Diagnostic::error("invalid_depends_on", "Invalid depends_on reference")
                    .with_span(item_span)
                    .with_detail("depends_on may only name resources, data sources and modules."),
            ),
        }
    }
    out
}

fn decode_provider_ref(file: FileId, attr: &Attribute, diags: &mut Diagnostics) -> Option<ProviderRef> {
    let span = span_of(file, &attr.value);
    let text = match &attr.value {
        Expression::Variable(v) => v.as_str().to_string(),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else { return bad_provider(span, diags) };
            let mut s = root.as_str().to_string();
            for op in t.operators.iter() {
                match op.value() {
                    TraversalOperator::GetAttr(a) => {
                        s.push('.');
                        s.push_str(a.as_str());
                    }
                    _ => return bad_provider(span, diags),
                }
            }
            s
        }
        Expression::String(s) => {
            diags.push(
                Diagnostic::warning("quoted_reference", "Quoted references are deprecated")
                    .with_span(span)
                    .with_detail("In this context, references are expected literally rather than in quotes.")
                    .with_help(format!("remove the quotes: provider = {}", s.as_str())),
            );
            s.as_str().to_string()
        }
        _ => return bad_provider(span, diags),
    };
    let mut parts = text.splitn(2, '.');
    let name = parts.next().unwrap_or("").to_string();
    let alias = parts.next().map(str::to_string);
    if name.is_empty() || alias.as_deref().is_some_and(|a| a.contains('.')) {
        return bad_provider(span, diags);
    }
    Some(ProviderRef { name, alias, span })
}

fn bad_provider(span: Span, diags: &mut Diagnostics) -> Option<ProviderRef> {
    diags.push(Diagnostic::error("invalid_provider_reference", "Invalid provider reference").with_span(span).with_detail(
        "A provider reference is the provider's local name, optionally followed by a period and an alias: aws or aws.consumer.",
    ));
    None
}

fn decode_lifecycle(file: FileId, block: Block, diags: &mut Diagnostics) -> Lifecycle {
    let mut lc = Lifecycle::default();
    for s in block.body.into_iter() {
        match s {
            Structure::Attribute(a) => match a.key.as_str() {
                "create_before_destroy" => lc.create_before_destroy = Some(a.value),
                "prevent_destroy" => lc.prevent_destroy = Some(a.value),
                "ignore_changes" => match &a.value {
                    Expression::Variable(v) if v.as_str() == "all" => lc.ignore_all = true,
                    Expression::String(s) if s.as_str() == "all" => lc.ignore_all = true,
                    Expression::Array(items) => {
                        for item in items.iter() {
                            let sp = span_of(file, item);
                            match item {
                                Expression::Variable(v) => lc.ignore_changes.push((v.as_str().to_string(), sp)),
                                Expression::Traversal(t) => match &t.expr {
                                    Expression::Variable(v) => lc.ignore_changes.push((v.as_str().to_string(), sp)),
                                    _ => diags.push(Diagnostic::error("invalid_ignore_changes", "Invalid ignore_changes entry").with_span(sp)),
                                },
                                Expression::String(s) => lc.ignore_changes.push((s.as_str().split(['.', '[']).next().unwrap_or("").to_string(), sp)),
                                _ => diags.push(Diagnostic::error("invalid_ignore_changes", "Invalid ignore_changes entry").with_span(sp).with_detail("Each entry must be an attribute name of this resource.")),
                            }
                        }
                    }
                    other => diags.push(
                        Diagnostic::error("invalid_ignore_changes", "Invalid ignore_changes")
                            .with_span(span_of(file, other))
                            .with_detail("ignore_changes must be a list of attribute names, or all."),
                    ),
                },
                other => diags.push(
                    Diagnostic::error("unsupported_argument", format!("Unsupported argument \"{other}\""))
                        .with_span(span_of(file, &a.key))
                        .with_detail("A lifecycle block accepts create_before_destroy, prevent_destroy, ignore_changes and pre/postcondition blocks."),
                ),
            },
            Structure::Block(b) => match b.ident.as_str() {
                "precondition" => lc.preconditions.extend(decode_conditions(file, b, diags)),
                "postcondition" => lc.postconditions.extend(decode_conditions(file, b, diags)),
                other => diags.push(
                    Diagnostic::error("unsupported_block_type", format!("Unsupported block type \"{other}\""))
                        .with_span(span_of(file, &b.ident))
                        .with_detail("A lifecycle block accepts precondition and postcondition blocks."),
                ),
            },
        }
    }
    lc
}

fn decode_resource(module: &mut Module, file: FileId, block: Block, mode: ResourceMode, diags: &mut Diagnostics) {
    enter_resource(module, decode_resource_block(file, block, mode), diags);
}

/// Adds a decoded resource to its module; a second one of the same address is reported (and
/// only that: not what decoding it found).
fn enter_resource(module: &mut Module, decoded: Result<(Box<Resource>, Diagnostics), Diagnostics>, diags: &mut Diagnostics) {
    let (r, found) = match decoded {
        Ok(d) => d,
        Err(found) => return diags.extend(found),
    };
    match module.resources.entry((r.mode, r.ty.clone(), r.name.clone())) {
        std::collections::btree_map::Entry::Occupied(first) => {
            let kind = if r.mode == ResourceMode::Data { "data source" } else { "resource" };
            diags.push(dup(kind, &format!("{}\" \"{}", r.ty, r.name), r.span, first.get().span));
        }
        std::collections::btree_map::Entry::Vacant(slot) => {
            diags.extend(found);
            slot.insert(r);
        }
    }
}

/// Decodes a `resource` or `data` block on its own: the resource, and what decoding it found
/// (`Err` when its labels are wrong).
fn decode_resource_block(file: FileId, block: Block, mode: ResourceMode) -> Result<(Box<Resource>, Diagnostics), Diagnostics> {
    let mut found = Diagnostics::new();
    let diags = &mut found;
    if !expect_labels(file, &block, 2, "the type and the name", diags) {
        return Err(found);
    }
    let ty = label_str(&block.labels[0]).to_string();
    let name = label_str(&block.labels[1]).to_string();
    let span = block_span(file, &block);
    let type_span = span_of(file, &block.labels[0]);
    let mut lifecycle = None;
    let mut body = Body::new();
    for s in block.body.into_iter() {
        match s {
            Structure::Block(b) if b.ident.as_str() == "lifecycle" => lifecycle = Some(decode_lifecycle(file, b, diags)),
            other => body.push(other),
        }
    }
    let (body, mut meta) = take_attrs(body, &["count", "for_each", "provider", "depends_on"]);
    let count = meta.remove("count").map(|a| a.value);
    let for_each = meta.remove("for_each").map(|a| a.value);
    if let (Some(c), Some(_)) = (&count, &for_each) {
        diags.push(
            Diagnostic::error("count_and_for_each", "Invalid combination of \"count\" and \"for_each\"")
                .with_span(span_of(file, c))
                .with_detail("The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created."),
        );
    }
    let provider = meta.remove("provider").and_then(|a| decode_provider_ref(file, &a, diags));
    let depends_on = decode_depends_on(file, meta.remove("depends_on"), diags);
    let resource = Resource {
        mode,
        ty,
        name,
        file,
        span,
        type_span,
        configured: configured_names(&body),
        body,
        count,
        for_each,
        provider,
        depends_on,
        lifecycle: lifecycle.map_or_else(no_lifecycle, std::sync::Arc::new),
    };
    Ok((Box::new(resource), found))
}

fn decode_output(module: &mut Module, file: FileId, block: Block, diags: &mut Diagnostics) {
    if !expect_labels(file, &block, 1, "the output name", diags) {
        return;
    }
    let name = label_str(&block.labels[0]).to_string();
    let span = block_span(file, &block);
    if let Some(first) = module.outputs.get(&name) {
        diags.push(dup("output", &name, span, first.span));
        return;
    }
    let mut preconditions = Vec::new();
    let mut body = Body::new();
    for s in block.body.into_iter() {
        match s {
            Structure::Block(b) if b.ident.as_str() == "precondition" => preconditions.extend(decode_conditions(file, b, diags)),
            other => body.push(other),
        }
    }
    let (rest, mut attrs) = take_attrs(body, &["value", "sensitive", "description", "depends_on", "ephemeral"]);
    check_no_extra(file, &rest, "output block", diags);
    let sensitive = attrs.get("sensitive").is_some_and(|a| literal_bool(file, a, diags));
    let description = attrs.get("description").and_then(|a| literal_string(file, a, diags));
    let depends_on = decode_depends_on(file, attrs.remove("depends_on"), diags);
    let value = attrs.remove("value").map(|a| a.value);
    if value.is_none() {
        diags.push(missing_arg(file, span, "value", "output"));
    }
    module.outputs.insert(name.clone(), Output { name, file, span, value, sensitive, description, depends_on, preconditions });
}

fn decode_module_call(module: &mut Module, file: FileId, block: Block, diags: &mut Diagnostics) {
    if !expect_labels(file, &block, 1, "the module name", diags) {
        return;
    }
    let name = label_str(&block.labels[0]).to_string();
    let span = block_span(file, &block);
    if let Some(first) = module.calls.get(&name) {
        diags.push(dup("module call", &name, span, first.span));
        return;
    }
    let mut args = Vec::new();
    let mut source = None;
    let mut count = None;
    let mut for_each = None;
    let mut providers = Vec::new();
    let mut depends_on = None;
    for s in block.body.into_iter() {
        match s {
            Structure::Attribute(a) => match a.key.as_str() {
                "source" => source = literal_string(file, &a, diags),
                "version" => {}
                "count" => count = Some(a.value),
                "for_each" => for_each = Some(a.value),
                "depends_on" => depends_on = Some(a),
                "providers" => match &a.value {
                    Expression::Object(o) => {
                        for (k, v) in o.iter() {
                            let local = match k {
                                plcli_syntax::ast::ObjectKey::Ident(i) => i.as_str().to_string(),
                                plcli_syntax::ast::ObjectKey::Expression(e) => match e {
                                    Expression::Variable(v) => v.as_str().to_string(),
                                    Expression::Traversal(_) => {
                                        let fake = Attribute::new(plcli_syntax::ast::Ident::new("k"), e.clone());
                                        match decode_provider_ref(file, &fake, diags) {
                                            Some(p) => p.key(),
                                            None => continue,
                                        }
                                    }
                                    Expression::String(s) => s.as_str().to_string(),
                                    _ => continue,
                                },
                            };
                            let fake = Attribute::new(plcli_syntax::ast::Ident::new("provider"), v.expr().clone());
                            if let Some(p) = decode_provider_ref(file, &fake, diags) {
                                providers.push((local, p));
                            }
                        }
                    }
                    other => diags.push(
                        Diagnostic::error("invalid_providers", "Invalid providers argument")
                            .with_span(span_of(file, other))
                            .with_detail("providers must be a map such as { aws = aws.consumer }."),
                    ),
                },
                _ => {
                    let sp = span_of(file, &a.key);
                    args.push((a.key.as_str().to_string(), sp, a.value));
                }
            },
            Structure::Block(b) => diags.push(
                Diagnostic::error("unsupported_block_type", format!("Unsupported block type \"{}\"", b.ident.as_str()))
                    .with_span(span_of(file, &b.ident))
                    .with_detail("Blocks are not expected in a module call; module inputs are arguments."),
            ),
        }
    }
    let depends_on = decode_depends_on(file, depends_on, diags);
    let Some(source) = source else {
        diags.push(missing_arg(file, span, "source", "module"));
        return;
    };
    module.calls.insert(
        name.clone(),
        ModuleCall {
            name,
            file,
            span,
            source: source.clone(),
            count,
            for_each,
            providers,
            depends_on,
            args,
            module: ModuleSource::Unavailable(source),
        },
    );
}

fn decode_provider(module: &mut Module, file: FileId, block: Block, diags: &mut Diagnostics) {
    if !expect_labels(file, &block, 1, "the provider name", diags) {
        return;
    }
    let name = label_str(&block.labels[0]).to_string();
    let span = block_span(file, &block);
    let (body, attrs) = take_attrs(block.body, &["alias"]);
    let alias = attrs.get("alias").and_then(|a| literal_string(file, a, diags));
    let config = ProviderConfig { name, alias, file, span, body };
    let key = config.key();
    if let Some(first) = module.providers.get(&key) {
        diags.push(
            Diagnostic::error("duplicate_provider", format!("Duplicate provider configuration \"{key}\""))
                .with_span(span)
                .with_related(first.span, "first configured here")
                .with_detail("A provider configuration for this name and alias was already given.")
                .with_help("give one of them a distinct `alias`"),
        );
        return;
    }
    module.providers.insert(key, config);
}
