use std::collections::BTreeMap;

use plcli_lang::functions::{self, FuncContext};
use plcli_lang::{format_number, Value};
use plcli_syntax::ast::{BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator};
use plcli_syntax::ast::{Directive, Element, Template};
use plcli_syntax::{Diagnostic, FileId, Span};

use crate::refs::{subject_of, Subject};
use crate::{did_you_mean, span_of};

/// Answers the references an expression makes. Implemented by the config stage (validate,
/// plan, lint) so that the evaluator never decides what `aws_vpc.main` means.
pub trait Scope {
    /// The value of `subject` (e.g. the whole object of `aws_vpc.main`, or a map of instances
    /// for a resource with `for_each`). `span` is where the reference is written.
    fn lookup(&self, subject: &Subject, span: Span) -> Result<Value, Diagnostic>;

    /// Calls `f` with the value of `subject`. Scopes that hold their values override it to
    /// lend them, so that `aws_subnet.x["k"].id` copies the one id it reads, not every
    /// instance of `aws_subnet.x`.
    fn with_lookup(
        &self,
        subject: &Subject,
        span: Span,
        f: &mut dyn FnMut(&Value) -> Result<Value, Diagnostic>,
    ) -> Result<Value, Diagnostic> {
        let v = self.lookup(subject, span)?;
        f(&v)
    }

    /// Context for file functions (`path.module`).
    fn func_context(&self) -> FuncContext {
        FuncContext::default()
    }
}

/// A scope with no references at all (type defaults, meta-argument literals, tfvars values):
/// any reference is "Variables not allowed", saying where.
pub struct NoScope {
    /// Where literals are required, for the message ("here", "in a variable definitions file").
    pub place: &'static str,
}

impl NoScope {
    pub const HERE: NoScope = NoScope { place: "here" };
}

impl Scope for NoScope {
    fn lookup(&self, subject: &Subject, span: Span) -> Result<Value, Diagnostic> {
        Err(Diagnostic::error("variables_not_allowed", "Variables not allowed").with_span(span).with_detail(format!(
            "{} cannot be used {}: only literal values are allowed.",
            subject.address(),
            self.place
        )))
    }
}

/// Evaluates expressions of one file against a [`Scope`].
pub struct Evaluator<'a> {
    file: FileId,
    scope: &'a dyn Scope,
    /// Variables bound by enclosing for-expressions and template for-directives, innermost last.
    locals: Vec<(String, Value)>,
}

type R = Result<Value, Diagnostic>;

fn err(code: &'static str, summary: &str, span: Span, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, summary).with_span(span).with_detail(detail)
}

impl<'a> Evaluator<'a> {
    pub fn new(file: FileId, scope: &'a dyn Scope) -> Evaluator<'a> {
        Evaluator { file, scope, locals: Vec::new() }
    }

    /// Binds extra names visible to the expression (used by `templatefile`).
    pub fn with_locals(mut self, locals: Vec<(String, Value)>) -> Self {
        self.locals = locals;
        self
    }

    fn span<T: plcli_syntax::ast::Span>(&self, item: &T) -> Span {
        span_of(self.file, item)
    }

    /// Evaluates with extra names bound (dynamic block iterators), innermost last.
    pub fn eval_with_locals(&mut self, expr: &Expression, bound: &[(String, Value)]) -> R {
        let base = self.locals.len();
        self.locals.extend(bound.iter().cloned());
        let r = self.eval(expr);
        self.locals.truncate(base);
        r
    }

    pub fn eval(&mut self, expr: &Expression) -> R {
        match expr {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(Value::Number(n.value().as_f64().unwrap_or(f64::NAN))),
            Expression::String(s) => Ok(Value::string(s.value())),
            Expression::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for e in a.iter() {
                    out.push(self.eval(e)?);
                }
                Ok(Value::Tuple(out))
            }
            Expression::Object(o) => {
                let mut out = BTreeMap::new();
                let mut unknown_key = false;
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => Value::string(id.as_str()),
                        ObjectKey::Expression(Expression::Variable(id)) => Value::string(id.as_str()),
                        ObjectKey::Expression(e) => self.eval(e)?,
                    };
                    let value = self.eval(v.expr())?;
                    match key {
                        Value::Unknown => unknown_key = true,
                        Value::Null => {
                            return Err(err(
                                "invalid_object_key",
                                "Invalid object key",
                                self.span(k),
                                "Key expression in object constructor must not be null.",
                            ))
                        }
                        other => match other.to_template_string() {
                            Some(s) => {
                                out.insert(s, value);
                            }
                            None => {
                                return Err(err(
                                    "invalid_object_key",
                                    "Invalid object key",
                                    self.span(k),
                                    format!(
                                        "The key expression produced an invalid result: string required, but have {}.",
                                        other.type_name()
                                    ),
                                ))
                            }
                        },
                    }
                }
                Ok(if unknown_key { Value::Unknown } else { Value::Object(out.into()) })
            }
            Expression::StringTemplate(t) => {
                let elements: Vec<&Element> = t.iter().collect();
                self.template_elements(&elements)
            }
            Expression::HeredocTemplate(h) => {
                let elements: Vec<&Element> = h.template.iter().collect();
                let v = self.template_elements(&elements)?;
                // A heredoc is always a string, even when it is one interpolation.
                Ok(match v {
                    Value::String(_) | Value::Unknown => v,
                    other => Value::String(other.to_template_string().unwrap_or_default().into()),
                })
            }
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => {
                let span = self.span(v);
                self.root(v.as_str(), span, &[]).map(|(val, _)| val)
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr)?;
                let pick = |ev: &mut Self, first: bool| -> R {
                    let (chosen, other) = if first { (&c.true_expr, &c.false_expr) } else { (&c.false_expr, &c.true_expr) };
                    let v = ev.eval(chosen)?;
                    // Both results must have one type: Terraform unifies them (errors in the
                    // branch not taken are not reported).
                    match ev.eval(other) {
                        Ok(o) => unify_conditional(v, &o).map_err(|m| {
                            err(
                                "inconsistent_conditional_types",
                                "Inconsistent conditional result types",
                                ev.span(&c.cond_expr).to(ev.span(other)),
                                m,
                            )
                        }),
                        Err(_) => Ok(v),
                    }
                };
                match cond {
                    Value::Unknown => Ok(Value::Unknown),
                    Value::Bool(b) => pick(self, b),
                    Value::String(ref s) if s == "true" => pick(self, true),
                    Value::String(ref s) if s == "false" => pick(self, false),
                    Value::Null => Err(err(
                        "invalid_condition",
                        "Null condition",
                        self.span(&c.cond_expr),
                        "The condition value is null. Conditions must either be true or false.",
                    )),
                    other => Err(err(
                        "invalid_condition",
                        "Incorrect condition type",
                        self.span(&c.cond_expr),
                        format!("The condition expression must be of type bool, not {}.", other.type_name()),
                    )),
                }
            }
            Expression::FuncCall(f) => self.call(f),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let spans: Vec<Span> = t.operators.iter().map(|o| self.span(o)).collect();
                let (base, used) = match &t.expr {
                    Expression::Variable(v) => {
                        let span = self.span(v);
                        if let Some((subject, used, ref_span)) = self.scope_subject(v.as_str(), span, &ops)? {
                            // Walk the scope's value in place; copy only what the traversal reads.
                            let scope = self.scope;
                            return scope
                                .with_lookup(&subject, ref_span, &mut |value| self.traverse_borrowed(value, &ops[used..], &spans[used..]));
                        }
                        self.root(v.as_str(), span, &ops)?
                    }
                    other => (self.eval(other)?, 0),
                };
                self.traverse(base, &ops[used..], &spans[used..])
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr)?;
                let span = self.span(u.as_ref());
                match (u.operator.value(), v) {
                    (_, Value::Unknown) => Ok(Value::Unknown),
                    (UnaryOperator::Neg, v) => match to_number(&v) {
                        Some(n) => Ok(Value::Number(-n)),
                        None => Err(err(
                            "invalid_operand",
                            "Invalid operand",
                            span,
                            format!("Unsuitable value for unary operand: number required, but have {}.", v.type_name()),
                        )),
                    },
                    (UnaryOperator::Not, v) => match to_bool(&v) {
                        Some(b) => Ok(Value::Bool(!b)),
                        None => Err(err(
                            "invalid_operand",
                            "Invalid operand",
                            span,
                            format!("Unsuitable value for unary operand: bool required, but have {}.", v.type_name()),
                        )),
                    },
                }
            }
            Expression::BinaryOp(b) => {
                let op = *b.operator.value();
                let lhs = self.eval(&b.lhs_expr)?;
                // Logical operators short-circuit on a known deciding left operand.
                match (op, &lhs) {
                    (BinaryOperator::And, Value::Bool(false)) => return Ok(Value::Bool(false)),
                    (BinaryOperator::Or, Value::Bool(true)) => return Ok(Value::Bool(true)),
                    _ => {}
                }
                let rhs = self.eval(&b.rhs_expr)?;
                binary(op, lhs, rhs).map_err(|(side, msg)| {
                    let span = match side {
                        Side::Left => self.span(&b.lhs_expr),
                        Side::Right => self.span(&b.rhs_expr),
                    };
                    err("invalid_operand", "Invalid operand", span, msg)
                })
            }
            Expression::ForExpr(f) => self.for_expr(f),
        }
    }

    /// Resolves the identifier a traversal starts with; returns the value and how many
    /// traversal operators were consumed naming it.
    fn root(&mut self, name: &str, span: Span, ops: &[&TraversalOperator]) -> Result<(Value, usize), Diagnostic> {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Ok((v.clone(), 0));
        }
        match subject_of(self.file, name, span, ops)? {
            Some((subject, used)) => {
                let ref_span = if used == 0 { span } else { span.to(span_end_of(ops, used, span)) };
                Ok((self.scope.lookup(&subject, ref_span)?, used))
            }
            None => Err(err(
                "invalid_reference",
                "Invalid reference",
                span,
                format!("\"{name}\" is not a valid reference: a reference to a resource type must be followed by at least one attribute access, specifying the resource name."),
            )
            .with_help("strings must be quoted: write \"...\"")),
        }
    }

    /// The scope subject a traversal root names, when it is not a name bound by an enclosing
    /// for-expression: the subject, how many operators name it, and the reference's span.
    fn scope_subject(&self, name: &str, span: Span, ops: &[&TraversalOperator]) -> Result<Option<(Subject, usize, Span)>, Diagnostic> {
        if self.locals.iter().any(|(n, _)| n == name) {
            return Ok(None);
        }
        Ok(subject_of(self.file, name, span, ops)?.map(|(subject, used)| {
            let ref_span = if used == 0 { span } else { span.to(span_end_of(ops, used, span)) };
            (subject, used, ref_span)
        }))
    }

    /// [`Self::traverse`] over a borrowed value: attribute and index steps that find their
    /// element move a reference; anything else (unknown, null, a missing key, a splat) goes on
    /// with a copy of the value reached so far, through the same code, so results and
    /// diagnostics are identical.
    fn traverse_borrowed(&mut self, value: &Value, ops: &[&TraversalOperator], spans: &[Span]) -> R {
        let mut cur = value;
        for (i, op) in ops.iter().enumerate() {
            let next = match op {
                TraversalOperator::GetAttr(name) => match cur {
                    Value::Object(m) | Value::Map(m) => m.get(name.as_str()),
                    _ => None,
                },
                TraversalOperator::Index(e) => {
                    let key = self.eval(e)?;
                    match index_ref(cur, &key) {
                        Some(v) => Some(v),
                        None => {
                            let v = index(cur.clone(), &key, spans[i])?;
                            return self.traverse(v, &ops[i + 1..], &spans[i + 1..]);
                        }
                    }
                }
                TraversalOperator::LegacyIndex(n) => index_ref(cur, &Value::Number(*n.value() as f64)),
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => None,
            };
            match next {
                Some(v) => cur = v,
                None => return self.traverse(cur.clone(), &ops[i..], &spans[i..]),
            }
        }
        Ok(cur.clone())
    }

    fn traverse(&mut self, mut value: Value, ops: &[&TraversalOperator], spans: &[Span]) -> R {
        let mut i = 0;
        while i < ops.len() {
            match ops[i] {
                TraversalOperator::GetAttr(name) => value = get_attr(value, name.as_str(), spans[i])?,
                TraversalOperator::Index(e) => {
                    let key = self.eval(e)?;
                    value = index(value, &key, spans[i])?;
                }
                TraversalOperator::LegacyIndex(n) => value = index(value, &Value::Number(*n.value() as f64), spans[i])?,
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
                    // The operators the splat applies to each element: all the rest for `[*]`,
                    // only attribute accesses for the legacy `.*`.
                    let mut j = i + 1;
                    while j < ops.len() && (full || matches!(ops[j], TraversalOperator::GetAttr(_))) {
                        j += 1;
                    }
                    let items = match value {
                        Value::Unknown => return Ok(Value::Unknown),
                        Value::Null => Vec::new(),
                        Value::List(v) | Value::Tuple(v) | Value::Set(v) => v,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.traverse(item, &ops[i + 1..j], &spans[i + 1..j])?);
                    }
                    value = Value::Tuple(out);
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    fn for_expr(&mut self, f: &ForExpr) -> R {
        let coll = self.eval(&f.intro.collection_expr)?;
        let span = self.span(&f.intro.collection_expr);
        let pairs: Vec<(Value, Value)> = match coll {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => {
                return Err(err(
                    "iteration_over_null",
                    "Iteration over null value",
                    span,
                    "A null value cannot be used as the collection in a 'for' expression.",
                ))
            }
            other => other.into_iteration().map_err(|other| {
                err(
                    "iteration_over_non_iterable",
                    "Iteration over non-iterable value",
                    span,
                    format!("A value of type {} cannot be used as the collection in a 'for' expression.", other.type_name()),
                )
            })?,
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let base = self.locals.len();
        let mut list = Vec::new();
        let mut map: BTreeMap<plcli_lang::Key, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut any_unknown_key = false;
        for (k, v) in pairs {
            self.locals.truncate(base);
            if let Some(kv) = &key_var {
                self.locals.push((kv.clone(), k));
            }
            self.locals.push((value_var.clone(), v));
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr) {
                    Ok(Value::Bool(true)) => {}
                    Ok(Value::Bool(false)) => continue,
                    Ok(Value::Unknown) => {
                        self.locals.truncate(base);
                        return Ok(Value::Unknown);
                    }
                    Ok(other) => {
                        self.locals.truncate(base);
                        return Err(err(
                            "invalid_for_condition",
                            "Invalid 'for' condition",
                            self.span(&cond.expr),
                            format!("The 'if' clause value is invalid: bool required, but have {}.", other.type_name()),
                        ));
                    }
                    Err(e) => {
                        self.locals.truncate(base);
                        return Err(e);
                    }
                }
            }
            let result = (|| -> Result<(), Diagnostic> {
                let value = self.eval(&f.value_expr)?;
                match &f.key_expr {
                    None => list.push(value),
                    Some(ke) => {
                        let key = self.eval(ke)?;
                        let key = match key {
                            Value::Unknown => {
                                any_unknown_key = true;
                                return Ok(());
                            }
                            other => other.to_template_string().ok_or_else(|| {
                                err(
                                    "invalid_object_key",
                                    "Invalid object key",
                                    self.span(ke),
                                    format!("Key expression in 'for' expression must be a string, not {}.", other.type_name()),
                                )
                            })?,
                        };
                        if f.grouping {
                            groups.entry(key).or_default().push(value);
                        } else {
                            match map.entry(key.into()) {
                                std::collections::btree_map::Entry::Occupied(o) => {
                                    return Err(err("duplicate_object_key", "Duplicate object key", self.span(ke), format!("Two different items produced the key \"{}\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.", o.key())));
                                }
                                std::collections::btree_map::Entry::Vacant(v) => {
                                    v.insert(value);
                                }
                            }
                        }
                    }
                }
                Ok(())
            })();
            if let Err(e) = result {
                self.locals.truncate(base);
                return Err(e);
            }
        }
        self.locals.truncate(base);
        if f.key_expr.is_none() {
            return Ok(Value::Tuple(list));
        }
        if any_unknown_key {
            return Ok(Value::Unknown);
        }
        if f.grouping {
            return Ok(Value::Object(groups.into_iter().map(|(k, v)| (k, Value::Tuple(v))).collect()));
        }
        Ok(Value::Object(map.into()))
    }

    fn call(&mut self, f: &plcli_syntax::ast::FuncCall) -> R {
        let name = f.name.name.as_str();
        let span = self.span(&f.name.name);
        if f.name.is_namespaced() {
            return Err(err(
                "unknown_function",
                "Call to unknown function",
                span,
                format!(
                    "There is no function named \"{}\" that plcli can evaluate offline (provider-defined functions are not supported).",
                    name
                ),
            ));
        }
        match name {
            "try" => {
                if f.args.is_empty() {
                    return Err(err(
                        "invalid_function_argument",
                        "Not enough function arguments",
                        span,
                        "Function \"try\" expects at least one argument.",
                    ));
                }
                let mut last = None;
                for a in f.args.iter() {
                    match self.eval(a) {
                        Ok(Value::Unknown) => return Ok(Value::Unknown),
                        Ok(v) if v.is_wholly_known() => return Ok(v),
                        Ok(_) => return Ok(Value::Unknown),
                        Err(e) => last = Some(e),
                    }
                }
                let e = last.map(|e| e.summary).unwrap_or_default();
                return Err(err(
                    "invalid_function_argument",
                    "Error in function call",
                    span,
                    format!("Call to function \"try\" failed: no expression succeeded: {e}."),
                ));
            }
            "can" => {
                if f.args.len() != 1 {
                    return Err(err(
                        "invalid_function_argument",
                        "Invalid number of function arguments",
                        span,
                        "Function \"can\" expects exactly one argument.",
                    ));
                }
                let a = f.args.iter().next().expect("one argument");
                return Ok(match self.eval(a) {
                    Ok(v) if !v.is_wholly_known() => Value::Unknown,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            "type" => {
                return Err(err(
                    "unknown_function",
                    "Call to unknown function",
                    span,
                    "The \"type\" function is only available in terraform console.",
                ));
            }
            _ => {}
        }
        if !functions::exists(name) {
            let help = did_you_mean(name, functions::NAMES.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            let mut d = err("unknown_function", "Call to unknown function", span, format!("There is no function named \"{name}\"."));
            if let Some(h) = help {
                d = d.with_help(h);
            }
            return Err(d);
        }
        let arg_exprs: Vec<&Expression> = f.args.iter().collect();
        let mut args = Vec::with_capacity(arg_exprs.len());
        for a in &arg_exprs {
            args.push(self.eval(a)?);
        }
        if f.args.expand_final() {
            match args.pop() {
                Some(Value::Unknown) => return Ok(Value::Unknown),
                Some(Value::List(v) | Value::Tuple(v) | Value::Set(v)) => args.extend(v),
                Some(other) => {
                    let last = arg_exprs.last().map(|e| self.span(*e)).unwrap_or(span);
                    return Err(err(
                        "invalid_expanding_argument",
                        "Invalid expanding argument value",
                        last,
                        format!(
                            "The expanding argument (indicated by ...) must be of a tuple, list, or set type, not {}.",
                            other.type_name()
                        ),
                    ));
                }
                None => {}
            }
        }
        if name == "templatefile" {
            return self.templatefile(args, span);
        }
        let mut ctx = self.scope.func_context();
        // uuid() is derived from its call site, so each call gives its own stable value.
        ctx.call_site = format!("{}:{}", span.file.0, span.start);
        functions::call(name, args, &ctx).map_err(|e| {
            let at = e.arg.and_then(|i| arg_exprs.get(i)).map(|a| self.span(*a)).unwrap_or_else(|| self.span(f));
            let summary = if e.arg.is_some() { "Invalid function argument" } else { "Error in function call" };
            err("invalid_function_argument", summary, at, format!("Call to function \"{name}\" failed: {}", e.message))
        })
    }

    fn templatefile(&mut self, args: Vec<Value>, span: Span) -> R {
        if args.len() != 2 {
            return Err(err(
                "invalid_function_argument",
                "Invalid number of function arguments",
                span,
                "Function \"templatefile\" expects 2 arguments: path and vars.",
            ));
        }
        if !args.iter().all(Value::is_wholly_known) {
            return Ok(Value::Unknown);
        }
        let Some(path) = args[0].as_str() else {
            return Err(err("invalid_function_argument", "Invalid function argument", span, "templatefile's path must be a string."));
        };
        let Some(vars) = args[1].as_map() else {
            return Err(err(
                "invalid_function_argument",
                "Invalid function argument",
                span,
                "templatefile's vars must be an object or map.",
            ));
        };
        let ctx = self.scope.func_context();
        let full = ctx.base_dir.join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| {
            err(
                "invalid_function_argument",
                "Invalid function argument",
                span,
                format!("Call to function \"templatefile\" failed: no file exists at {}: {e}.", full.display()),
            )
        })?;
        let template = plcli_syntax::ast::parse_template(&text).map_err(|e| {
            err(
                "invalid_function_argument",
                "Invalid template",
                span,
                format!("Call to function \"templatefile\" failed: {}: {}", full.display(), e.message()),
            )
        })?;
        let locals: Vec<(String, Value)> = vars.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let mut inner = Evaluator { file: self.file, scope: &TemplateScope, locals };
        let elements: Vec<&Element> = template.iter().collect();
        // Spans inside the template file do not point into this file: report at the call.
        let v = inner.template_elements(&elements).map_err(|mut d| {
            d.span = Some(span);
            d.summary = format!("Error in template {}: {}", path, d.summary);
            d
        })?;
        Ok(match v {
            Value::String(_) | Value::Unknown => v,
            other => Value::String(other.to_template_string().unwrap_or_default().into()),
        })
    }

    /// A template: one lone interpolation yields its value unchanged (legacy `"${var.list}"`);
    /// anything else is a string.
    fn template_elements(&mut self, elements: &[&Element]) -> R {
        if let [Element::Interpolation(i)] = elements {
            return self.eval(&i.expr);
        }
        let mut out = String::new();
        let mut unknown = false;
        self.render(elements, &mut out, &mut unknown, &mut false)?;
        Ok(if unknown { Value::Unknown } else { Value::String(out.into()) })
    }

    fn render(&mut self, elements: &[&Element], out: &mut String, unknown: &mut bool, strip_next: &mut bool) -> Result<(), Diagnostic> {
        for el in elements {
            match el {
                Element::Literal(s) => {
                    let text: &str = s.value();
                    if *strip_next {
                        out.push_str(text.trim_start());
                        *strip_next = false;
                    } else {
                        out.push_str(text);
                    }
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        trim_end_in_place(out);
                    }
                    let v = self.eval(&i.expr)?;
                    self.append(v, &i.expr, out, unknown)?;
                    *strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        if ifd.if_expr.strip.strip_start() {
                            trim_end_in_place(out);
                        }
                        *strip_next = ifd.if_expr.strip.strip_end();
                        let cond = self.eval(&ifd.if_expr.cond_expr)?;
                        let branch: Option<&Template> = match cond {
                            Value::Bool(true) => Some(&ifd.if_expr.template),
                            Value::Bool(false) => ifd.else_expr.as_ref().map(|e| &e.template),
                            Value::Unknown => {
                                *unknown = true;
                                None
                            }
                            other => {
                                return Err(err(
                                    "invalid_condition",
                                    "Incorrect condition type",
                                    self.span(&ifd.if_expr.cond_expr),
                                    format!("The condition expression must be of type bool, not {}.", other.type_name()),
                                ))
                            }
                        };
                        if let Some(t) = branch {
                            let els: Vec<&Element> = t.iter().collect();
                            self.render(&els, out, unknown, strip_next)?;
                        }
                        if ifd.endif_expr.strip.strip_start() {
                            trim_end_in_place(out);
                        }
                        *strip_next = ifd.endif_expr.strip.strip_end();
                    }
                    Directive::For(fd) => {
                        if fd.for_expr.strip.strip_start() {
                            trim_end_in_place(out);
                        }
                        let coll = self.eval(&fd.for_expr.collection_expr)?;
                        let pairs: Vec<(Value, Value)> = match coll {
                            Value::Unknown => {
                                *unknown = true;
                                Vec::new()
                            }
                            other => other.into_iteration().map_err(|other| {
                                err(
                                    "iteration_over_non_iterable",
                                    "Iteration over non-iterable value",
                                    self.span(&fd.for_expr.collection_expr),
                                    format!("A value of type {} cannot be used in a template for directive.", other.type_name()),
                                )
                            })?,
                        };
                        let base = self.locals.len();
                        let els: Vec<&Element> = fd.for_expr.template.iter().collect();
                        for (k, v) in pairs {
                            self.locals.truncate(base);
                            if let Some(kv) = &fd.for_expr.key_var {
                                self.locals.push((kv.as_str().to_string(), k));
                            }
                            self.locals.push((fd.for_expr.value_var.as_str().to_string(), v));
                            *strip_next = fd.for_expr.strip.strip_end();
                            let r = self.render(&els, out, unknown, strip_next);
                            if fd.endfor_expr.strip.strip_start() {
                                trim_end_in_place(out);
                            }
                            if r.is_err() {
                                self.locals.truncate(base);
                                return r;
                            }
                        }
                        self.locals.truncate(base);
                        *strip_next = fd.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }

    fn append(&self, v: Value, expr: &Expression, out: &mut String, unknown: &mut bool) -> Result<(), Diagnostic> {
        match v {
            Value::Unknown => *unknown = true,
            Value::Null => {
                return Err(err(
                    "invalid_template_interpolation",
                    "Invalid template interpolation value",
                    self.span(expr),
                    "The expression result is null. Cannot include a null value in a string template.",
                ))
            }
            other => match other.to_template_string() {
                Some(s) => out.push_str(&s),
                None => {
                    return Err(err(
                        "invalid_template_interpolation",
                        "Invalid template interpolation value",
                        self.span(expr),
                        format!("Cannot include the given value in a string template: string required, but have {}.", other.type_name()),
                    ))
                }
            },
        }
        Ok(())
    }
}

/// The result of a conditional converted to the type both branches share, as Terraform does:
/// a string and a number or bool unify to strings; a number and a bool do not unify.
fn unify_conditional(chosen: Value, other: &Value) -> Result<Value, String> {
    fn prim(v: &Value) -> Option<u8> {
        match v {
            Value::String(_) => Some(0),
            Value::Number(_) => Some(1),
            Value::Bool(_) => Some(2),
            _ => None,
        }
    }
    fn has_string(v: &Value) -> bool {
        match v {
            Value::String(_) => true,
            v if v.is_seq() => v.as_seq().unwrap_or(&[]).iter().any(has_string),
            v if v.is_mapping() => v.as_map().is_some_and(|m| m.values().any(has_string)),
            _ => false,
        }
    }
    fn stringify(v: Value) -> Value {
        match v {
            Value::Number(_) | Value::Bool(_) => Value::String(v.to_template_string().unwrap_or_default().into()),
            Value::Tuple(items) => Value::List(items.into_iter().map(stringify).collect()),
            Value::List(items) => Value::List(items.into_iter().map(stringify).collect()),
            Value::Object(m) => Value::Map(m.into_iter().map(|(k, v)| (k, stringify(v))).collect()),
            Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, stringify(v))).collect()),
            other => other,
        }
    }
    match (prim(&chosen), prim(other)) {
        (Some(a), Some(b)) if a == b => Ok(chosen),
        (Some(0), Some(_)) | (Some(_), Some(0)) => Ok(stringify(chosen)),
        (Some(_), Some(_)) => Err(format!(
            "The true and false result expressions must have consistent types: {} and {}.",
            chosen.type_name(),
            other.type_name()
        )),
        _ => match (&chosen, other) {
            // [1] vs ["a"]: one list of strings; {a = 1} vs {b = "x"}: one map of strings.
            (c, o)
                if c.is_seq()
                    && o.is_seq()
                    && has_string(o)
                    && !has_string(c)
                    && c.as_seq().is_some_and(|s| s.iter().all(|x| prim(x).is_some())) =>
            {
                Ok(stringify(chosen))
            }
            (Value::Object(cm), Value::Object(om))
                if cm.keys().ne(om.keys()) && (has_string(other) || has_string(&chosen)) && cm.values().all(|x| prim(x).is_some()) =>
            {
                Ok(stringify(chosen))
            }
            _ => Ok(chosen),
        },
    }
}

fn trim_end_in_place(s: &mut String) {
    let len = s.trim_end().len();
    s.truncate(len);
}

fn span_end_of(_ops: &[&TraversalOperator], _used: usize, root: Span) -> Span {
    root
}

/// Scope of a template file: only its own variables.
struct TemplateScope;

impl Scope for TemplateScope {
    fn lookup(&self, subject: &Subject, span: Span) -> Result<Value, Diagnostic> {
        Err(err(
            "invalid_template_reference",
            "Invalid reference in template",
            span,
            format!("{} is not available in a template: only the variables passed to templatefile are.", subject.address()),
        ))
    }
}

fn get_attr(value: Value, name: &str, span: Span) -> R {
    match value {
        Value::Unknown => Ok(Value::Unknown),
        Value::Null => Err(err("attribute_of_null", "Attempt to get attribute from null value", span, format!("This value is null, so it does not have any attributes (reading \"{name}\")."))),
        Value::Object(mut m) | Value::Map(mut m) => match m.remove(name) {
            Some(v) => Ok(v),
            None => {
                let mut d = err("unsupported_attribute", "Unsupported attribute", span, format!("This object does not have an attribute named \"{name}\"."));
                if let Some(s) = did_you_mean(name, m.keys().map(|k| k.as_str())) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                Err(d)
            }
        },
        Value::List(_) | Value::Tuple(_) | Value::Set(_) => Err(err("unsupported_attribute", "Unsupported attribute", span, format!("Can't access attributes on a list of objects. Did you mean to access attribute \"{name}\" for a specific element of the list, or across all elements of the list?"))
            .with_help(format!("index an element ([0].{name}) or use a splat ([*].{name})"))),
        other => Err(err("unsupported_attribute", "Unsupported attribute", span, format!("Can't access attributes on a primitive-typed value ({}).", other.type_name()))),
    }
}

/// The element `index` would return, borrowed; `None` whenever `index` would not simply
/// return an element (unknowns, errors).
fn index_ref<'v>(value: &'v Value, key: &Value) -> Option<&'v Value> {
    if key.is_unknown() {
        return None;
    }
    match value {
        Value::List(v) | Value::Tuple(v) => {
            let n = match key {
                Value::Number(n) => *n,
                Value::String(s) => s.parse::<f64>().ok()?,
                _ => return None,
            };
            if n.fract() == 0.0 && n >= 0.0 {
                v.get(n as usize)
            } else {
                None
            }
        }
        Value::Map(m) | Value::Object(m) => match key {
            Value::String(s) => m.get(s.as_str()),
            _ => m.get(key.to_template_string()?.as_str()),
        },
        _ => None,
    }
}

fn index(value: Value, key: &Value, span: Span) -> R {
    if key.is_unknown() || value.is_unknown() {
        return Ok(Value::Unknown);
    }
    match value {
        Value::Null => Err(err("index_of_null", "Attempt to index null value", span, "This value is null, so it does not have any indices.")),
        Value::List(mut v) | Value::Tuple(mut v) => {
            let i = match key {
                Value::Number(n) => Some(*n),
                Value::String(s) => s.parse::<f64>().ok(),
                _ => None,
            };
            match i {
                Some(n) if n.fract() == 0.0 && n >= 0.0 && (n as usize) < v.len() => Ok(v.swap_remove(n as usize)),
                Some(n) if n.fract() == 0.0 => Err(err("invalid_index", "Invalid index", span, format!("The given key does not identify an element in this collection value: the collection has {} elements, index {} is out of range.", v.len(), format_number(n)))),
                _ => Err(err("invalid_index", "Invalid index", span, "The given key does not identify an element in this collection value: a whole number is required.")),
            }
        }
        Value::Map(mut m) | Value::Object(mut m) => {
            let Some(k) = key.to_template_string() else {
                return Err(err("invalid_index", "Invalid index", span, "The given key does not identify an element in this collection value: a string key is required."));
            };
            match m.remove(k.as_str()) {
                Some(v) => Ok(v),
                None => Err(err("invalid_index", "Invalid index", span, format!("The given key does not identify an element in this collection value: there is no element with key \"{k}\"."))),
            }
        }
        Value::Set(_) => Err(err("invalid_index", "Invalid index", span, "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.")
            .with_help("convert it with tolist() first, or iterate with for")),
        other => Err(err("invalid_index", "Invalid index", span, format!("This value does not have any indices: it is a {}.", other.type_name()))),
    }
}

enum Side {
    Left,
    Right,
}

fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(s) => plcli_lang::Type::Number.convert(&Value::String(s.clone())).ok().and_then(|v| v.as_number()),
        _ => None,
    }
}

fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn binary(op: BinaryOperator, lhs: Value, rhs: Value) -> Result<Value, (Side, String)> {
    use BinaryOperator::*;
    match op {
        Eq | NotEq => {
            let eq = lhs.equals(&rhs);
            Ok(match eq {
                None => Value::Unknown,
                Some(b) => Value::Bool(if op == Eq { b } else { !b }),
            })
        }
        And | Or => {
            let l = if lhs.is_unknown() {
                None
            } else {
                Some(
                    to_bool(&lhs)
                        .ok_or((Side::Left, format!("Unsuitable value for left operand: bool required, but have {}.", lhs.type_name())))?,
                )
            };
            let r =
                if rhs.is_unknown() {
                    None
                } else {
                    Some(to_bool(&rhs).ok_or((
                        Side::Right,
                        format!("Unsuitable value for right operand: bool required, but have {}.", rhs.type_name()),
                    ))?)
                };
            Ok(match (op, l, r) {
                (And, Some(false), _) | (And, _, Some(false)) => Value::Bool(false),
                (Or, Some(true), _) | (Or, _, Some(true)) => Value::Bool(true),
                (_, Some(a), Some(b)) => Value::Bool(if op == And { a && b } else { a || b }),
                _ => Value::Unknown,
            })
        }
        _ => {
            if lhs.is_unknown() || rhs.is_unknown() {
                return Ok(Value::Unknown);
            }
            let l = to_number(&lhs)
                .ok_or((Side::Left, format!("Unsuitable value for left operand: a number is required, but have {}.", lhs.type_name())))?;
            let r = to_number(&rhs)
                .ok_or((Side::Right, format!("Unsuitable value for right operand: a number is required, but have {}.", rhs.type_name())))?;
            Ok(match op {
                Plus => Value::Number(l + r),
                Minus => Value::Number(l - r),
                Mul => Value::Number(l * r),
                Div => {
                    if r == 0.0 {
                        return Err((Side::Right, "Can't divide by zero.".into()));
                    }
                    Value::Number(l / r)
                }
                // Terraform's modulo by zero gives the dividend.
                Mod => Value::Number(if r == 0.0 { l } else { l % r }),
                Less => Value::Bool(l < r),
                LessEq => Value::Bool(l <= r),
                Greater => Value::Bool(l > r),
                GreaterEq => Value::Bool(l >= r),
                Eq | NotEq | And | Or => unreachable!("handled above"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plcli_syntax::ast::parse_expr;

    struct TestScope;
    impl Scope for TestScope {
        fn lookup(&self, subject: &Subject, span: Span) -> R {
            match subject {
                Subject::Var(n) if n == "list" => Ok(Value::List(vec![Value::string("a"), Value::string("b")])),
                Subject::Var(n) if n == "unknown" => Ok(Value::Unknown),
                Subject::Resource { ty, name, .. } if ty == "aws_subnet" && name == "a" => Ok(Value::Tuple(vec![
                    Value::Object([("id".to_string(), Value::string("subnet-1"))].into_iter().collect()),
                    Value::Object([("id".to_string(), Value::Unknown)].into_iter().collect()),
                ])),
                _ => Err(err("undeclared", "Reference to undeclared", span, subject.address())),
            }
        }
    }

    fn ev(src: &str) -> R {
        let expr = parse_expr(src).expect("parses");
        Evaluator::new(FileId(0), &TestScope).eval(&expr)
    }

    #[test]
    fn literals_and_operators() {
        assert_eq!(ev("1 + 2 * 3").unwrap(), Value::Number(7.0));
        assert_eq!(ev("\"a\" == \"a\" && !false").unwrap(), Value::Bool(true));
        assert_eq!(ev("true ? \"x\" : 1").unwrap(), Value::string("x"));
        assert_eq!(ev("\"5\" + 1").unwrap(), Value::Number(6.0));
    }

    #[test]
    fn lone_interpolation_keeps_type() {
        assert_eq!(ev("\"${var.list}\"").unwrap(), Value::List(vec![Value::string("a"), Value::string("b")]));
        assert_eq!(ev("\"x-${var.list[1]}\"").unwrap(), Value::string("x-b"));
        assert_eq!(ev("\"x-${var.unknown}\"").unwrap(), Value::Unknown);
    }

    #[test]
    fn splats_and_legacy_index() {
        assert_eq!(ev("aws_subnet.a[*].id").unwrap(), Value::Tuple(vec![Value::string("subnet-1"), Value::Unknown]));
        assert_eq!(ev("aws_subnet.a.*.id[0]").unwrap(), Value::string("subnet-1"));
        assert_eq!(ev("aws_subnet.a.0.id").unwrap(), Value::string("subnet-1"));
        assert_eq!(ev("var.list[*]").unwrap(), Value::Tuple(vec![Value::string("a"), Value::string("b")]));
    }

    #[test]
    fn for_expressions() {
        assert_eq!(ev("[for s in var.list : \"${s}!\" if s != \"b\"]").unwrap(), Value::Tuple(vec![Value::string("a!")]));
        assert_eq!(
            ev("{for i, s in var.list : s => i}").unwrap(),
            Value::Object([("a".to_string(), Value::Number(0.0)), ("b".to_string(), Value::Number(1.0))].into_iter().collect())
        );
        assert_eq!(
            ev("{for s in [\"a\", \"a\"] : s => 1...}").unwrap(),
            Value::Object([("a".to_string(), Value::Tuple(vec![Value::Number(1.0), Value::Number(1.0)]))].into_iter().collect())
        );
        assert_eq!(ev("{for s in [\"a\", \"a\"] : s => 1}").unwrap_err().code, "duplicate_object_key");
    }

    #[test]
    fn templates_with_directives() {
        assert_eq!(ev("\"%{ for s in var.list }${s},%{ endfor }\"").unwrap(), Value::string("a,b,"));
        assert_eq!(ev("\"%{ if true }yes%{ else }no%{ endif }\"").unwrap(), Value::string("yes"));
        assert_eq!(ev("\"a ${~ \"b\" ~} c\"").unwrap(), Value::string("abc"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = ev("var.list.foo").unwrap_err();
        assert_eq!(e.code, "unsupported_attribute");
        assert_eq!(ev("var.list[5]").unwrap_err().code, "invalid_index");
        assert_eq!(ev("tosett([])").unwrap_err().code, "unknown_function");
        assert_eq!(ev("count").unwrap_err().code, "invalid_reference");
        assert_eq!(ev("1 / 0").unwrap_err().code, "invalid_operand");
    }

    #[test]
    fn unknowns_propagate() {
        assert_eq!(ev("var.unknown + 1").unwrap(), Value::Unknown);
        assert_eq!(ev("var.unknown ? 1 : 2").unwrap(), Value::Unknown);
        assert_eq!(ev("false && var.unknown").unwrap(), Value::Bool(false));
        assert_eq!(ev("can(var.list[9])").unwrap(), Value::Bool(false));
        assert_eq!(ev("try(var.list[9], \"d\")").unwrap(), Value::string("d"));
    }
}
