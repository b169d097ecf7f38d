//! The configuration tree plcli evaluates: hcl-edit's parse, kept small.
//!
//! `hcl-edit` keeps everything a formatter needs (every piece of whitespace and every comment as
//! decoration, raw number and string representations), and its nodes are large: an
//! `Expression` is 128 bytes, a `Structure` 304, an identifier 96 plus a heap string. For a
//! 17 MB file of 60,000 blocks that is most of a command's memory. Evaluation, graph building,
//! lint and diagnostics need only the values and byte spans, so each file is parsed by hcl-edit
//! and immediately converted into the types here (same names and fields as hcl-edit's, which
//! they replace): spans are two `u32`s, identifiers are inline strings, no decoration is kept,
//! and an `Expression` is 40 bytes. hcl-edit's tree is dropped as soon as it is converted.
//! `plcli fmt` has its own lexer and never needs this tree.

use std::ops::{Deref, Range};

use compact_str::CompactString;
use hcl_edit::Span as _;

pub use hcl_edit::expr::{BinaryOperator, UnaryOperator};
pub use hcl_edit::template::Strip;
pub use hcl_edit::Number;

/// A byte range in a source file, or none (nodes built by plcli rather than parsed).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Sp {
    start: u32,
    end: u32,
}

impl Sp {
    /// No position.
    pub const NONE: Sp = Sp { start: u32::MAX, end: u32::MAX };

    /// A converted node's span: hcl-edit's, moved by the offset of the part of the file being
    /// converted (see [`parse_body_at`]).
    fn of(range: Option<Range<usize>>) -> Sp {
        let offset = OFFSET.with(std::cell::Cell::get);
        match range {
            Some(r) if r.end + offset < u32::MAX as usize => Sp { start: (r.start + offset) as u32, end: (r.end + offset) as u32 },
            _ => Sp::NONE,
        }
    }

    /// The range, if there is one.
    pub fn get(self) -> Option<Range<usize>> {
        (self.start != u32::MAX).then_some(self.start as usize..self.end as usize)
    }
}

impl Default for Sp {
    fn default() -> Sp {
        Sp::NONE
    }
}

/// Every node's byte range in its file (as hcl-edit's trait of the same name).
pub trait Span {
    fn span(&self) -> Option<Range<usize>>;
}

impl<T: Span> Span for Box<T> {
    fn span(&self) -> Option<Range<usize>> {
        (**self).span()
    }
}

impl<T: Span> Span for &T {
    fn span(&self) -> Option<Range<usize>> {
        (**self).span()
    }
}

macro_rules! spanned_node {
    ($($ty:ty),* $(,)?) => {
        $(impl Span for $ty {
            fn span(&self) -> Option<Range<usize>> {
                self.span.get()
            }
        })*
    };
}

/// A value with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    value: T,
    span: Sp,
}

impl<T> Spanned<T> {
    /// A value without a position.
    pub fn new(value: T) -> Spanned<T> {
        Spanned { value, span: Sp::NONE }
    }

    pub fn value(&self) -> &T {
        &self.value
    }

    pub fn into_value(self) -> T {
        self.value
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Span for Spanned<T> {
    fn span(&self) -> Option<Range<usize>> {
        self.span.get()
    }
}

/// An identifier with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    name: CompactString,
    span: Sp,
}

impl Ident {
    /// An identifier without a position.
    pub fn new(name: impl Into<CompactString>) -> Ident {
        Ident { name: name.into(), span: Sp::NONE }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl Deref for Ident {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expression {
    Null(Spanned<()>),
    Bool(Spanned<bool>),
    Number(Spanned<Number>),
    String(Spanned<String>),
    Array(Array),
    Object(Box<Object>),
    StringTemplate(Box<StringTemplate>),
    HeredocTemplate(Box<HeredocTemplate>),
    Parenthesis(Box<Parenthesis>),
    Variable(Ident),
    Conditional(Box<Conditional>),
    FuncCall(Box<FuncCall>),
    Traversal(Box<Traversal>),
    UnaryOp(Box<UnaryOp>),
    BinaryOp(Box<BinaryOp>),
    ForExpr(Box<ForExpr>),
}

impl Expression {
    /// The string of a quoted string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expression::String(s) => Some(s.value()),
            _ => None,
        }
    }
}

impl Span for Expression {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Expression::Null(x) => x.span(),
            Expression::Bool(x) => x.span(),
            Expression::Number(x) => x.span(),
            Expression::String(x) => x.span(),
            Expression::Array(x) => x.span(),
            Expression::Object(x) => x.span(),
            Expression::StringTemplate(x) => x.span(),
            Expression::HeredocTemplate(x) => x.span(),
            Expression::Parenthesis(x) => x.span(),
            Expression::Variable(x) => x.span(),
            Expression::Conditional(x) => x.span(),
            Expression::FuncCall(x) => x.span(),
            Expression::Traversal(x) => x.span(),
            Expression::UnaryOp(x) => x.span(),
            Expression::BinaryOp(x) => x.span(),
            Expression::ForExpr(x) => x.span(),
        }
    }
}

/// `[a, b]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    values: Vec<Expression>,
    span: Sp,
}

impl Array {
    pub fn iter(&self) -> std::slice::Iter<'_, Expression> {
        self.values.iter()
    }
    pub fn len(&self) -> usize {
        self.values.len()
    }
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// `{ k = v }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    items: Vec<(ObjectKey, ObjectValue)>,
    span: Sp,
}

impl Object {
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&ObjectKey, &ObjectValue)> {
        self.items.iter().map(|(k, v)| (k, v))
    }
}

/// An object key: a bare identifier or an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ObjectKey {
    Ident(Ident),
    Expression(Expression),
}

impl ObjectKey {
    pub fn as_ident(&self) -> Option<&Ident> {
        match self {
            ObjectKey::Ident(i) => Some(i),
            ObjectKey::Expression(_) => None,
        }
    }

    pub fn as_expr(&self) -> Option<&Expression> {
        match self {
            ObjectKey::Expression(e) => Some(e),
            ObjectKey::Ident(_) => None,
        }
    }
}

impl Span for ObjectKey {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            ObjectKey::Ident(i) => i.span(),
            ObjectKey::Expression(e) => e.span(),
        }
    }
}

/// An object value.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectValue {
    expr: Expression,
}

impl ObjectValue {
    pub fn expr(&self) -> &Expression {
        &self.expr
    }
}

impl Span for ObjectValue {
    fn span(&self) -> Option<Range<usize>> {
        self.expr.span()
    }
}

/// `"text ${expr}"`.
#[derive(Clone, Debug, PartialEq)]
pub struct StringTemplate {
    elements: Vec<Element>,
    span: Sp,
}

impl StringTemplate {
    pub fn iter(&self) -> std::slice::Iter<'_, Element> {
        self.elements.iter()
    }
}

/// `<<EOT ... EOT` (already dedented for `<<-`).
#[derive(Clone, Debug, PartialEq)]
pub struct HeredocTemplate {
    pub template: Template,
    span: Sp,
}

/// A template's elements.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Template {
    elements: Vec<Element>,
    span: Sp,
}

impl Template {
    pub fn iter(&self) -> std::slice::Iter<'_, Element> {
        self.elements.iter()
    }
}

/// One piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    Literal(Spanned<String>),
    Interpolation(Interpolation),
    Directive(Box<Directive>),
}

impl Span for Element {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Element::Literal(l) => l.span(),
            Element::Interpolation(i) => i.span(),
            Element::Directive(d) => d.span(),
        }
    }
}

/// `${expr}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Interpolation {
    pub expr: Expression,
    pub strip: Strip,
    span: Sp,
}

/// `%{if}` or `%{for}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Directive {
    If(IfDirective),
    For(ForDirective),
}

impl Span for Directive {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Directive::If(d) => d.span(),
            Directive::For(d) => d.span(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct IfDirective {
    pub if_expr: IfTemplateExpr,
    pub else_expr: Option<ElseTemplateExpr>,
    pub endif_expr: EndifTemplateExpr,
    span: Sp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IfTemplateExpr {
    pub cond_expr: Expression,
    pub template: Template,
    pub strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ElseTemplateExpr {
    pub template: Template,
    pub strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EndifTemplateExpr {
    pub strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForDirective {
    pub for_expr: ForTemplateExpr,
    pub endfor_expr: EndforTemplateExpr,
    span: Sp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForTemplateExpr {
    pub key_var: Option<Ident>,
    pub value_var: Ident,
    pub collection_expr: Expression,
    pub template: Template,
    pub strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EndforTemplateExpr {
    pub strip: Strip,
}

/// `(expr)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Parenthesis {
    inner: Expression,
    span: Sp,
}

impl Parenthesis {
    pub fn inner(&self) -> &Expression {
        &self.inner
    }
}

/// `cond ? a : b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Conditional {
    pub cond_expr: Expression,
    pub true_expr: Expression,
    pub false_expr: Expression,
    span: Sp,
}

/// A function name, possibly namespaced (`provider::x::f`).
#[derive(Clone, Debug, PartialEq)]
pub struct FuncName {
    pub namespace: Vec<Ident>,
    pub name: Ident,
}

impl FuncName {
    pub fn is_namespaced(&self) -> bool {
        !self.namespace.is_empty()
    }
}

/// `f(a, b...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncCall {
    pub name: FuncName,
    pub args: FuncArgs,
    span: Sp,
}

/// A call's arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncArgs {
    args: Vec<Expression>,
    expand_final: bool,
}

impl FuncArgs {
    pub fn iter(&self) -> std::slice::Iter<'_, Expression> {
        self.args.iter()
    }
    pub fn len(&self) -> usize {
        self.args.len()
    }
    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }
    /// Whether the last argument is followed by `...`.
    pub fn expand_final(&self) -> bool {
        self.expand_final
    }
}

/// `expr.a[0].*`.
#[derive(Clone, Debug, PartialEq)]
pub struct Traversal {
    pub expr: Expression,
    pub operators: Vec<Spanned<TraversalOperator>>,
    span: Sp,
}

/// `.*` or `[*]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Splat;

/// One step of a traversal.
#[derive(Clone, Debug, PartialEq)]
pub enum TraversalOperator {
    AttrSplat(Splat),
    FullSplat(Splat),
    GetAttr(Ident),
    Index(Expression),
    LegacyIndex(Spanned<u64>),
}

/// `!x`, `-x`.
#[derive(Clone, Debug, PartialEq)]
pub struct UnaryOp {
    pub operator: Spanned<UnaryOperator>,
    pub expr: Expression,
    span: Sp,
}

/// `a + b`.
#[derive(Clone, Debug, PartialEq)]
pub struct BinaryOp {
    pub lhs_expr: Expression,
    pub operator: Spanned<BinaryOperator>,
    pub rhs_expr: Expression,
    span: Sp,
}

/// `[for k, v in coll : expr if cond]` or the object form.
#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub intro: ForIntro,
    pub key_expr: Option<Expression>,
    pub value_expr: Expression,
    pub grouping: bool,
    pub cond: Option<ForCond>,
    span: Sp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForIntro {
    pub key_var: Option<Ident>,
    pub value_var: Ident,
    pub collection_expr: Expression,
    span: Sp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForCond {
    pub expr: Expression,
    span: Sp,
}

spanned_node!(
    Ident,
    Array,
    Object,
    StringTemplate,
    HeredocTemplate,
    Template,
    Interpolation,
    IfDirective,
    ForDirective,
    Parenthesis,
    Conditional,
    FuncCall,
    Traversal,
    UnaryOp,
    BinaryOp,
    ForExpr,
    ForIntro,
    ForCond,
    Attribute,
    Block,
    Body,
);

/// A body: attributes and blocks in source order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Body {
    structures: Vec<Structure>,
    span: Sp,
}

impl Body {
    pub fn new() -> Body {
        Body::default()
    }
    pub fn with_capacity(n: usize) -> Body {
        Body { structures: Vec::with_capacity(n), span: Sp::NONE }
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Structure> {
        self.structures.iter()
    }
    pub fn len(&self) -> usize {
        self.structures.len()
    }
    pub fn is_empty(&self) -> bool {
        self.structures.is_empty()
    }
    pub fn push(&mut self, structure: impl Into<Structure>) {
        self.structures.push(structure.into());
    }
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.structures.iter().filter_map(Structure::as_attribute)
    }
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.structures.iter().filter_map(Structure::as_block)
    }
    pub fn get_attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes().find(|a| a.key.as_str() == key)
    }
}

impl IntoIterator for Body {
    type Item = Structure;
    type IntoIter = std::vec::IntoIter<Structure>;
    fn into_iter(self) -> Self::IntoIter {
        self.structures.into_iter()
    }
}

impl<'a> IntoIterator for &'a Body {
    type Item = &'a Structure;
    type IntoIter = std::slice::Iter<'a, Structure>;
    fn into_iter(self) -> Self::IntoIter {
        self.structures.iter()
    }
}

/// An attribute or a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Structure {
    Attribute(Attribute),
    Block(Block),
}

impl Structure {
    pub fn as_attribute(&self) -> Option<&Attribute> {
        match self {
            Structure::Attribute(a) => Some(a),
            Structure::Block(_) => None,
        }
    }
    pub fn as_block(&self) -> Option<&Block> {
        match self {
            Structure::Block(b) => Some(b),
            Structure::Attribute(_) => None,
        }
    }
}

impl Span for Structure {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Structure::Attribute(a) => a.span(),
            Structure::Block(b) => b.span(),
        }
    }
}

impl From<Attribute> for Structure {
    fn from(a: Attribute) -> Structure {
        Structure::Attribute(a)
    }
}

impl From<Block> for Structure {
    fn from(b: Block) -> Structure {
        Structure::Block(b)
    }
}

/// `key = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub key: Ident,
    pub value: Expression,
    span: Sp,
}

impl Attribute {
    /// An attribute without a position of its own (the value keeps its span).
    pub fn new(key: Ident, value: Expression) -> Attribute {
        Attribute { key, value, span: Sp::NONE }
    }
}

/// `ident "label" { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub ident: Ident,
    pub labels: Vec<BlockLabel>,
    pub body: Body,
    span: Sp,
}

/// A block label: `"quoted"` or a bare identifier.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockLabel {
    Ident(Ident),
    String(Spanned<String>),
}

impl BlockLabel {
    pub fn as_str(&self) -> &str {
        match self {
            BlockLabel::Ident(i) => i.as_str(),
            BlockLabel::String(s) => s.value(),
        }
    }
}

impl Span for BlockLabel {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            BlockLabel::Ident(i) => i.span(),
            BlockLabel::String(s) => s.span(),
        }
    }
}

/// Parses a body with hcl-edit and converts it.
pub fn parse_body(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    parse_body_at(text, 0)
}

thread_local! {
    /// Where in its file the text being converted on this thread starts.
    static OFFSET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parses a part of a file that starts at byte `offset` of it (a part cut between top-level
/// blocks), its spans the file's own.
pub fn parse_body_at(text: &str, offset: usize) -> Result<Body, hcl_edit::parser::Error> {
    let parsed = hcl_edit::parser::parse_body(text)?;
    OFFSET.with(|o| o.set(offset));
    let body = Body::from(parsed);
    OFFSET.with(|o| o.set(0));
    Ok(body)
}

/// Parses one expression with hcl-edit and converts it.
pub fn parse_expr(text: &str) -> Result<Expression, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_expr(text).map(Expression::from)
}

/// Parses a template (`templatefile`) with hcl-edit and converts it.
pub fn parse_template(text: &str) -> Result<Template, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_template(text).map(Template::from)
}

// Conversion from hcl-edit's tree. Consuming: strings move, nothing is copied twice.

mod convert {
    use super::*;
    use hcl_edit::{expr as he, structure as hs, template as ht, Decorated};

    /// Converts a vector into an exactly sized new one. (`collect` would reuse the source's
    /// allocation in place, keeping hcl-edit's much larger buffer alive.)
    fn all<T, U>(v: impl IntoIterator<Item = T>, f: impl FnMut(T) -> U) -> Vec<U> {
        let it = v.into_iter();
        let mut out = Vec::with_capacity(it.size_hint().0);
        out.extend(it.map(f));
        out.shrink_to_fit();
        out
    }

    fn ident(d: Decorated<hcl_edit::Ident>) -> Ident {
        let span = Sp::of(d.span());
        Ident { name: CompactString::from(d.into_value().into_string()), span }
    }

    fn spanned<T, U>(span: Option<Range<usize>>, value: T) -> Spanned<U>
    where
        U: From<T>,
    {
        Spanned { value: U::from(value), span: Sp::of(span) }
    }

    impl From<he::Expression> for Expression {
        fn from(e: he::Expression) -> Expression {
            match e {
                he::Expression::Null(n) => Expression::Null(spanned(n.span(), ())),
                he::Expression::Bool(b) => Expression::Bool(spanned(b.span(), b.into_value())),
                he::Expression::Number(n) => Expression::Number(spanned(n.span(), n.into_value())),
                he::Expression::String(s) => Expression::String(spanned(s.span(), s.into_value())),
                he::Expression::Array(a) => {
                    let span = Sp::of(a.span());
                    Expression::Array(Array { values: all(a, Expression::from), span })
                }
                he::Expression::Object(o) => {
                    let span = Sp::of(o.span());
                    let items = all(o, |(k, v)| {
                        let key = match k {
                            he::ObjectKey::Ident(i) => ObjectKey::Ident(ident(i)),
                            he::ObjectKey::Expression(e) => ObjectKey::Expression(e.into()),
                        };
                        (key, ObjectValue { expr: v.into_expr().into() })
                    });
                    Expression::Object(Box::new(Object { items, span }))
                }
                he::Expression::StringTemplate(t) => {
                    let span = Sp::of(t.span());
                    let elements = all(t, Element::from);
                    Expression::StringTemplate(Box::new(StringTemplate { elements, span }))
                }
                he::Expression::HeredocTemplate(h) => {
                    let span = Sp::of(h.span());
                    Expression::HeredocTemplate(Box::new(HeredocTemplate { template: h.template.into(), span }))
                }
                he::Expression::Parenthesis(p) => {
                    let span = Sp::of(p.span());
                    Expression::Parenthesis(Box::new(Parenthesis { inner: p.into_inner().into(), span }))
                }
                he::Expression::Variable(v) => Expression::Variable(ident(v)),
                he::Expression::Conditional(c) => {
                    let span = Sp::of(c.span());
                    let c = *c;
                    Expression::Conditional(Box::new(Conditional {
                        cond_expr: c.cond_expr.into(),
                        true_expr: c.true_expr.into(),
                        false_expr: c.false_expr.into(),
                        span,
                    }))
                }
                he::Expression::FuncCall(f) => {
                    let span = Sp::of(f.span());
                    let f = *f;
                    let expand_final = f.args.expand_final();
                    Expression::FuncCall(Box::new(FuncCall {
                        name: FuncName { namespace: all(f.name.namespace, ident), name: ident(f.name.name) },
                        args: FuncArgs { args: all(f.args, Expression::from), expand_final },
                        span,
                    }))
                }
                he::Expression::Traversal(t) => {
                    let span = Sp::of(t.span());
                    let t = *t;
                    let operators = all(t.operators, |op| {
                        let span = Sp::of(op.span());
                        let value = match op.into_value() {
                            he::TraversalOperator::AttrSplat(_) => TraversalOperator::AttrSplat(Splat),
                            he::TraversalOperator::FullSplat(_) => TraversalOperator::FullSplat(Splat),
                            he::TraversalOperator::GetAttr(i) => TraversalOperator::GetAttr(ident(i)),
                            he::TraversalOperator::Index(e) => TraversalOperator::Index(e.into()),
                            he::TraversalOperator::LegacyIndex(n) => TraversalOperator::LegacyIndex(spanned(n.span(), n.into_value())),
                        };
                        Spanned { value, span }
                    });
                    Expression::Traversal(Box::new(Traversal { expr: t.expr.into(), operators, span }))
                }
                he::Expression::UnaryOp(u) => {
                    let span = Sp::of(u.span());
                    let u = *u;
                    let operator = spanned(u.operator.span(), u.operator.into_value());
                    Expression::UnaryOp(Box::new(UnaryOp { operator, expr: u.expr.into(), span }))
                }
                he::Expression::BinaryOp(b) => {
                    let span = Sp::of(b.span());
                    let b = *b;
                    let operator = spanned(b.operator.span(), b.operator.into_value());
                    Expression::BinaryOp(Box::new(BinaryOp { lhs_expr: b.lhs_expr.into(), operator, rhs_expr: b.rhs_expr.into(), span }))
                }
                he::Expression::ForExpr(f) => {
                    let span = Sp::of(f.span());
                    let f = *f;
                    let intro_span = Sp::of(f.intro.span());
                    Expression::ForExpr(Box::new(ForExpr {
                        intro: ForIntro {
                            key_var: f.intro.key_var.map(ident),
                            value_var: ident(f.intro.value_var),
                            collection_expr: f.intro.collection_expr.into(),
                            span: intro_span,
                        },
                        key_expr: f.key_expr.map(Expression::from),
                        value_expr: f.value_expr.into(),
                        grouping: f.grouping,
                        cond: f.cond.map(|c| {
                            let span = Sp::of(c.span());
                            ForCond { expr: c.expr.into(), span }
                        }),
                        span,
                    }))
                }
            }
        }
    }

    impl From<ht::Template> for Template {
        fn from(t: ht::Template) -> Template {
            let span = Sp::of(t.span());
            Template { elements: all(t, Element::from), span }
        }
    }

    impl From<ht::Element> for Element {
        fn from(e: ht::Element) -> Element {
            match e {
                ht::Element::Literal(l) => Element::Literal(spanned(l.span(), l.into_value())),
                ht::Element::Interpolation(i) => {
                    let span = Sp::of(i.span());
                    Element::Interpolation(Interpolation { expr: i.expr.into(), strip: i.strip, span })
                }
                ht::Element::Directive(d) => {
                    let span = Sp::of(d.span());
                    Element::Directive(Box::new(match *d {
                        ht::Directive::If(d) => Directive::If(IfDirective {
                            if_expr: IfTemplateExpr {
                                cond_expr: d.if_expr.cond_expr.into(),
                                template: d.if_expr.template.into(),
                                strip: d.if_expr.strip,
                            },
                            else_expr: d.else_expr.map(|e| ElseTemplateExpr { template: e.template.into(), strip: e.strip }),
                            endif_expr: EndifTemplateExpr { strip: d.endif_expr.strip },
                            span,
                        }),
                        ht::Directive::For(d) => Directive::For(ForDirective {
                            for_expr: ForTemplateExpr {
                                key_var: d.for_expr.key_var.map(ident),
                                value_var: ident(d.for_expr.value_var),
                                collection_expr: d.for_expr.collection_expr.into(),
                                template: d.for_expr.template.into(),
                                strip: d.for_expr.strip,
                            },
                            endfor_expr: EndforTemplateExpr { strip: d.endfor_expr.strip },
                            span,
                        }),
                    }))
                }
            }
        }
    }

    impl From<hs::Body> for Body {
        fn from(b: hs::Body) -> Body {
            let span = Sp::of(b.span());
            Body { structures: all(b, Structure::from), span }
        }
    }

    impl From<hs::Structure> for Structure {
        fn from(s: hs::Structure) -> Structure {
            match s {
                hs::Structure::Attribute(a) => {
                    let span = Sp::of(a.span());
                    Structure::Attribute(Attribute { key: ident(a.key), value: a.value.into(), span })
                }
                hs::Structure::Block(b) => {
                    let span = Sp::of(b.span());
                    Structure::Block(Block {
                        ident: ident(b.ident),
                        labels: all(b.labels, |l| match l {
                            hs::BlockLabel::Ident(i) => BlockLabel::Ident(ident(i)),
                            hs::BlockLabel::String(s) => BlockLabel::String(spanned(s.span(), s.into_value())),
                        }),
                        body: b.body.into(),
                        span,
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_small() {
        assert!(std::mem::size_of::<Expression>() <= 40, "{}", std::mem::size_of::<Expression>());
        assert!(std::mem::size_of::<Ident>() <= 32);
    }

    #[test]
    fn spans_and_values_survive_conversion() {
        let text = "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { Name = \"x-${var.n}\" }\n  n = [for k, v in var.m : v.id if v.on][0]\n}\n";
        let body = parse_body(text).unwrap();
        let block = body.blocks().next().unwrap();
        assert_eq!(block.ident.as_str(), "resource");
        assert_eq!(block.labels.iter().map(BlockLabel::as_str).collect::<Vec<_>>(), ["aws_vpc", "a"]);
        let cidr = block.body.get_attribute("cidr_block").unwrap();
        assert_eq!(&text[cidr.value.span().unwrap()], "\"10.0.0.0/16\"");
        assert_eq!(cidr.value.as_str(), Some("10.0.0.0/16"));
        assert_eq!(&text[cidr.key.span().unwrap()], "cidr_block");
        let n = block.body.get_attribute("n").unwrap();
        let Expression::Traversal(t) = &n.value else { panic!("{:?}", n.value) };
        assert!(matches!(t.expr, Expression::ForExpr(_)));
        assert_eq!(&text[t.operators[0].span().unwrap()], "[0]");
        assert_eq!(&text[block.span().unwrap()], &text[..text.len() - 1]);
    }
}
