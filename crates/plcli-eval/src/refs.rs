use plcli_syntax::ast::{Directive, Element, Template};
use plcli_syntax::ast::{Expression, TraversalOperator};
use plcli_syntax::{Diagnostic, FileId, Span};

use crate::span_of;

/// `resource` or `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceMode {
    Managed,
    Data,
}

/// What a reference names (the part before attribute and index steps).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Var(String),
    Local(String),
    /// `module.NAME`; the output read, when the reference names one.
    Module(String),
    Resource {
        mode: ResourceMode,
        ty: String,
        name: String,
    },
    CountIndex,
    EachKey,
    EachValue,
    PathModule,
    PathRoot,
    PathCwd,
    SelfRef,
    TerraformWorkspace,
}

impl Subject {
    /// The address as written, e.g. `aws_vpc.main`, `var.region`.
    pub fn address(&self) -> String {
        match self {
            Subject::Var(n) => format!("var.{n}"),
            Subject::Local(n) => format!("local.{n}"),
            Subject::Module(n) => format!("module.{n}"),
            Subject::Resource { mode: ResourceMode::Managed, ty, name } => format!("{ty}.{name}"),
            Subject::Resource { mode: ResourceMode::Data, ty, name } => format!("data.{ty}.{name}"),
            Subject::CountIndex => "count.index".into(),
            Subject::EachKey => "each.key".into(),
            Subject::EachValue => "each.value".into(),
            Subject::PathModule => "path.module".into(),
            Subject::PathRoot => "path.root".into(),
            Subject::PathCwd => "path.cwd".into(),
            Subject::SelfRef => "self".into(),
            Subject::TerraformWorkspace => "terraform.workspace".into(),
        }
    }
}

/// One reference found in an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub subject: Subject,
    /// The span of the reference (subject and the steps that name it).
    pub span: Span,
    /// The first attribute read after the subject (after one index step for counted
    /// resources), e.g. `id` in `aws_vpc.main.id` or `aws_subnet.a[0].id`, with its span.
    pub attr: Option<(String, Span)>,
}

/// Parses the subject at the start of a traversal: `root` is the leading identifier and `ops`
/// the operators after it. Returns the subject and how many operators it consumed, or an
/// error for malformed references (`var` alone, `data.x` without a name, ...). Returns
/// `Ok(None)` for identifiers that are not references (for-expression variables are handled
/// by the caller).
pub fn subject_of(file: FileId, root: &str, root_span: Span, ops: &[&TraversalOperator]) -> Result<Option<(Subject, usize)>, Diagnostic> {
    let attr = |i: usize| -> Option<&str> {
        match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        }
    };
    let invalid = |what: &str, help: &str| {
        Diagnostic::error("invalid_reference", "Invalid reference")
            .with_span(root_span)
            .with_detail(what.to_string())
            .with_help(help.to_string())
    };
    let _ = file;
    let one = |make: fn(String) -> Subject, what: &str| -> Result<Option<(Subject, usize)>, Diagnostic> {
        match attr(0) {
            Some(n) => Ok(Some((make(n.to_string()), 1))),
            None => Err(invalid(
                &format!("The \"{root}\" object cannot be accessed directly. Instead, access one of its attributes."),
                &format!("write {root}.<{what}>"),
            )),
        }
    };
    match root {
        "var" => one(Subject::Var, "variable name"),
        "local" => one(Subject::Local, "local value name"),
        "module" => one(Subject::Module, "module call name"),
        "count" => match attr(0) {
            Some("index") => Ok(Some((Subject::CountIndex, 1))),
            _ => Err(invalid("The \"count\" object does not have an attribute named this; only count.index exists.", "write count.index")),
        },
        "each" => match attr(0) {
            Some("key") => Ok(Some((Subject::EachKey, 1))),
            Some("value") => Ok(Some((Subject::EachValue, 1))),
            _ => Err(invalid("The \"each\" object has only the attributes \"key\" and \"value\".", "write each.key or each.value")),
        },
        "path" => match attr(0) {
            Some("module") => Ok(Some((Subject::PathModule, 1))),
            Some("root") => Ok(Some((Subject::PathRoot, 1))),
            Some("cwd") => Ok(Some((Subject::PathCwd, 1))),
            _ => Err(invalid("The \"path\" object has only the attributes \"module\", \"root\" and \"cwd\".", "write path.module")),
        },
        "terraform" => match attr(0) {
            Some("workspace") => Ok(Some((Subject::TerraformWorkspace, 1))),
            _ => Err(invalid("The \"terraform\" object has only the attribute \"workspace\".", "write terraform.workspace")),
        },
        "self" => Ok(Some((Subject::SelfRef, 0))),
        "data" => match (attr(0), attr(1)) {
            (Some(ty), Some(name)) => Ok(Some((
                Subject::Resource { mode: ResourceMode::Data, ty: ty.to_string(), name: name.to_string() },
                2,
            ))),
            _ => Err(invalid("A reference to a data source must be followed by the type and the name, e.g. data.aws_region.current.", "write data.<TYPE>.<NAME>")),
        },
        "resource" if attr(0).is_some() && attr(1).is_some() => Ok(Some((
            Subject::Resource { mode: ResourceMode::Managed, ty: attr(0).unwrap_or_default().to_string(), name: attr(1).unwrap_or_default().to_string() },
            2,
        ))),
        ty if ty.contains('_') || attr(0).is_some() => match attr(0) {
            Some(name) => Ok(Some((
                Subject::Resource { mode: ResourceMode::Managed, ty: ty.to_string(), name: name.to_string() },
                1,
            ))),
            None => Err(invalid(
                &format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name (\"{ty}\" alone is not a value)."),
                &format!("write {ty}.<NAME>"),
            )),
        },
        _ => Ok(None),
    }
}

/// Every reference in `expr`, in source order. Names bound by enclosing for-expressions
/// (listed in `bound`) are not references. Malformed references are returned as errors.
pub fn references(file: FileId, expr: &Expression) -> (Vec<Reference>, Vec<Diagnostic>) {
    references_with_bound(file, expr, &[])
}

/// Like [`references`], with extra names already bound (dynamic block iterators).
pub fn references_with_bound(file: FileId, expr: &Expression, bound: &[String]) -> (Vec<Reference>, Vec<Diagnostic>) {
    let mut walker = Walker { file, bound: bound.to_vec(), refs: Vec::new(), errors: Vec::new() };
    walker.expr(expr);
    (walker.refs, walker.errors)
}

struct Walker {
    file: FileId,
    bound: Vec<String>,
    refs: Vec<Reference>,
    errors: Vec<Diagnostic>,
}

impl Walker {
    fn root(&mut self, name: &str, root_span: Span, ops: &[&TraversalOperator], whole: Span, op_spans: &[Span]) {
        if self.bound.iter().any(|b| b == name) {
            return;
        }
        match subject_of(self.file, name, root_span, ops) {
            Ok(Some((subject, used))) => {
                let span = if used == 0 { root_span } else { root_span.to(op_spans[used - 1]) };
                // The attribute read from a resource: skip one index step (count/for_each).
                let mut i = used;
                if matches!(subject, Subject::Resource { .. })
                    && matches!(ops.get(i), Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)))
                {
                    i += 1;
                }
                let attr = match (ops.get(i), op_spans.get(i)) {
                    (Some(TraversalOperator::GetAttr(id)), Some(sp))
                        if matches!(subject, Subject::Resource { .. } | Subject::Module(_)) =>
                    {
                        Some((id.as_str().to_string(), *sp))
                    }
                    _ => None,
                };
                let _ = whole;
                self.refs.push(Reference { subject, span, attr });
            }
            Ok(None) => {
                // A bare identifier that is not a known object: Terraform reports it.
                self.errors.push(
                    Diagnostic::error("invalid_reference", "Invalid reference")
                        .with_span(root_span)
                        .with_detail(format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name; \"{name}\" is not a valid reference."))
                        .with_help("strings must be quoted: write \"...\"; references look like var.name, local.name or TYPE.NAME"),
                );
            }
            Err(d) => self.errors.push(d),
        }
    }

    fn expr(&mut self, expr: &Expression) {
        match expr {
            Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
            Expression::Array(a) => a.iter().for_each(|e| self.expr(e)),
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    if let Some(e) = k.as_expr() {
                        // `{ name = ... }` keys written as bare words are literal strings.
                        if !matches!(e, Expression::Variable(_)) {
                            self.expr(e);
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => t.iter().for_each(|el| self.element(el)),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => {
                let span = span_of(self.file, v);
                self.root(v.as_str(), span, &[], span, &[]);
            }
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr);
                self.expr(&c.true_expr);
                self.expr(&c.false_expr);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a)),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let op_spans: Vec<Span> = t.operators.iter().map(|o| span_of(self.file, o)).collect();
                if let Expression::Variable(v) = &t.expr {
                    let span = span_of(self.file, v);
                    self.root(v.as_str(), span, &ops, span_of(self.file, t.as_ref()), &op_spans);
                } else {
                    self.expr(&t.expr);
                }
                for op in &ops {
                    if let TraversalOperator::Index(e) = op {
                        self.expr(e);
                    }
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr);
                let n = self.bound.len();
                if let Some(k) = &f.intro.key_var {
                    self.bound.push(k.as_str().to_string());
                }
                self.bound.push(f.intro.value_var.as_str().to_string());
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr);
                }
                self.bound.truncate(n);
            }
        }
    }

    fn template(&mut self, t: &Template) {
        t.iter().for_each(|el| self.element(el));
    }

    fn element(&mut self, el: &Element) {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => self.expr(&i.expr),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    self.expr(&i.if_expr.cond_expr);
                    self.template(&i.if_expr.template);
                    if let Some(e) = &i.else_expr {
                        self.template(&e.template);
                    }
                }
                Directive::For(f) => {
                    self.expr(&f.for_expr.collection_expr);
                    let n = self.bound.len();
                    if let Some(k) = &f.for_expr.key_var {
                        self.bound.push(k.as_str().to_string());
                    }
                    self.bound.push(f.for_expr.value_var.as_str().to_string());
                    self.template(&f.for_expr.template);
                    self.bound.truncate(n);
                }
            },
        }
    }
}
