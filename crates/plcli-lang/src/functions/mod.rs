//! Terraform's built-in functions, with Terraform 1.x semantics.
//!
//! The reference is Terraform v1.11 (`internal/lang/funcs`) and the go-cty function stdlib it
//! uses; behaviours and messages were checked against a real `terraform console`.
//!
//! # Calling convention
//!
//! [`call`] checks the number of arguments, rejects null arguments where Terraform does
//! (`Invalid value for "str" parameter: argument must not be null.`), converts arguments to
//! the parameter types like Terraform (a number where a string is expected becomes a string,
//! `"5"` where a number is expected becomes `5`), then runs the function.
//!
//! # Errors
//!
//! [`FuncError::message`] comes in three shapes, told apart by [`FuncError::summary`]:
//!
//! * arity errors start with `Not enough function arguments:` or `Too many function
//!   arguments:` and include the function's signature;
//! * argument errors (`arg` is `Some`) are Terraform's whole detail sentence, e.g.
//!   `Invalid value for "prefix" parameter: invalid CIDR expression: ...`;
//! * other failures (`arg` is `None`) are the bare reason, e.g. `cannot use element function
//!   with an empty list`, which Terraform prints as `Call to function "element" failed: <reason>.`;
//!   [`FuncError::detail`] renders that sentence.
//!
//! # Unknown values
//!
//! A function whose result depends on an unknown part of an argument returns
//! [`Value::Unknown`]. Where Terraform can evaluate a call with partly unknown arguments, so
//! does this library (checked against `terraform console` with unknown references):
//! `length` of a list with unknown elements, `keys` and `values` of an object with unknown
//! values, `lookup` of a known key, `element`/`slice`/`one` picking known or unknown
//! elements, `concat`/`merge`/`zipmap`/`tolist`/`toset`/`tomap`/`formatlist` keeping unknown
//! leaves, `coalesce` returning the first usable argument before any unknown, `contains`
//! and `index` finding a known match before an unknown, `alltrue`/`anytrue` short-circuiting.
//! Like Terraform, `flatten`, `sort`, `distinct`, `compact`, `join`, `jsonencode`, `format`
//! and the set functions are unknown as soon as anything inside is unknown.
//!
//! # Where this library differs from Terraform
//!
//! * Numbers are `f64`, not arbitrary-precision decimals: integers beyond 2^53 (e.g.
//!   `parseint("12345678901234567890", 10)`, `jsonencode(12345678901234567890)`, `%d` of huge
//!   values) lose precision, `jsondecode("1e400")` fails, and results are printed with at most
//!   15 significant digits so that `0.1 + 0.2` shows as `0.3` as in Terraform.
//! * Where Terraform v1.11 panics (a "panic in function implementation" error), this library
//!   returns an ordinary error: `element` with a negative index that does not wrap to zero
//!   ("cannot use element function with a negative index", the wording newer Terraform
//!   uses), `log`/`pow` results that are not a number, `indent` with negative spaces.
//! * Regular expressions run on Rust's `regex` engine after translating RE2 syntax (ASCII
//!   `\d \w \s \b`, `\Q...\E`, literal `[` in classes); patterns RE2 accepts but `regex` does not
//!   (octal escapes, `\C`, `a{,3}` as a literal) fail, and syntax-error wording is mapped to
//!   Go's error codes approximately.
//! * An untyped `null` argument is treated like a typed one: `format("%s", null)` fails with
//!   "null value cannot be formatted" (Terraform returns an unknown value for the literal
//!   `null`), and `merge` ignores null arguments when choosing between a map and an object.
//! * `sensitive`/`nonsensitive`/`ephemeralasnull` return their argument: values carry no marks.
//! * Results are bounded to keep a bad expression from exhausting memory: strings built by
//!   `format`, `indent`, `join` and `replace` at 64 MiB, `setproduct` at 1,000,000 elements,
//!   `yamldecode` at 1,000,000 values (alias expansion included) and 200 levels of nesting,
//!   and arguments at 256 levels of nesting.
//! * `jsondecode` and `yamldecode` error messages follow Go's wording only approximately.
//!
//! # Determinism
//!
//! `uuid()` is derived from [`FuncContext::call_site`] and [`FuncContext::base_dir`]: it is the
//! first 16 bytes of SHA-256 of `"plcli-uuid\0" + base_dir + "\0" + call_site`, shaped as a
//! version-4 UUID. `timestamp()` and `plantimestamp()` are unknown (known only at apply time).

use std::path::PathBuf;

use unicode_segmentation::UnicodeSegmentation;

use crate::value::format_number;
use crate::Value;

mod cidr;
mod collection;
mod conversion;
mod crypto;
mod encoding;
mod filesystem;
mod numeric;
mod string;
mod yaml;

#[cfg(test)]
mod tests;

/// What a function may need from its caller.
#[derive(Debug, Clone, Default)]
pub struct FuncContext {
    /// `path.module`: base for `file`, `fileexists`, `filebase64`, `templatefile`.
    pub base_dir: PathBuf,
    /// A stable description of where the call is written (e.g. `main.tf:12:7`); `uuid()`
    /// derives its result from it so that each call site gets its own, repeatable UUID.
    pub call_site: String,
}

/// A function call failed; `arg` is the index of the offending argument when one is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncError {
    pub message: String,
    pub arg: Option<usize>,
}

const NOT_ENOUGH: &str = "Not enough function arguments";
const TOO_MANY: &str = "Too many function arguments";

impl FuncError {
    /// A failure of the call as a whole (Terraform's "Error in function call").
    pub(crate) fn call(message: impl Into<String>) -> FuncError {
        FuncError { message: message.into(), arg: None }
    }

    /// Terraform's diagnostic summary for this error.
    pub fn summary(&self) -> &'static str {
        if self.message.starts_with(NOT_ENOUGH) {
            NOT_ENOUGH
        } else if self.message.starts_with(TOO_MANY) {
            TOO_MANY
        } else if self.arg.is_some() {
            "Invalid function argument"
        } else {
            "Error in function call"
        }
    }

    /// Terraform's diagnostic detail for this error in a call of function `name`.
    pub fn detail(&self, name: &str) -> String {
        if self.arg.is_some() {
            self.message.clone()
        } else if let Some(rest) = self.message.strip_prefix(NOT_ENOUGH).or_else(|| self.message.strip_prefix(TOO_MANY)) {
            rest.trim_start_matches(':').trim().to_string()
        } else {
            format!("Call to function \"{name}\" failed: {}.", self.message)
        }
    }
}

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FuncError {}

/// The types that parameters ask for; arguments are converted to them before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pt {
    Any,
    Str,
    Num,
    Bool,
    ListStr,
    ListBool,
    ListAny,
    SetAny,
    MapListStr,
}

impl Pt {
    fn name(self) -> &'static str {
        match self {
            Pt::Any => "any",
            Pt::Str => "string",
            Pt::Num => "number",
            Pt::Bool => "bool",
            Pt::ListStr => "list(string)",
            Pt::ListBool => "list(bool)",
            Pt::ListAny => "list(any)",
            Pt::SetAny => "set(any)",
            Pt::MapListStr => "map(list(string))",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Param {
    pub name: &'static str,
    pub ty: Pt,
    /// Null is a valid argument.
    pub null: bool,
}

const fn p(name: &'static str, ty: Pt) -> Param {
    Param { name, ty, null: false }
}

const fn pn(name: &'static str, ty: Pt) -> Param {
    Param { name, ty, null: true }
}

/// How a function treats unknown arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unk {
    /// Any unknown value anywhere in the arguments makes the result unknown.
    Deep,
    /// The function looks at unknowns itself.
    Own,
}

/// The converted arguments of one call.
pub(crate) struct Args<'a> {
    pub vals: Vec<Value>,
    pub ctx: &'a FuncContext,
    pub spec: &'static Spec,
}

impl Args<'_> {
    /// An "Invalid value for ... parameter" error blaming argument `i`.
    pub fn err(&self, i: usize, msg: impl AsRef<str>) -> FuncError {
        arg_error(self.spec, i, msg.as_ref())
    }

    pub fn str(&self, i: usize) -> &str {
        self.vals.get(i).and_then(Value::as_str).unwrap_or("")
    }

    pub fn num(&self, i: usize) -> f64 {
        self.vals.get(i).and_then(Value::as_number).unwrap_or(0.0)
    }

    pub fn take(&mut self, i: usize) -> Value {
        self.vals.get_mut(i).map(std::mem::take).unwrap_or_default()
    }
}

type Impl = fn(Args) -> Result<Value, FuncError>;

pub(crate) struct Spec {
    pub name: &'static str,
    pub params: &'static [Param],
    pub var: Option<Param>,
    pub unk: Unk,
    pub imp: Impl,
}

impl Spec {
    fn param(&self, i: usize) -> Option<&Param> {
        self.params.get(i).or(self.var.as_ref())
    }

    fn signature(&self) -> String {
        let mut parts: Vec<String> = self.params.iter().map(|p| format!("{} {}", p.name, p.ty.name())).collect();
        if let Some(v) = &self.var {
            parts.push(format!("{}... {}", v.name, v.ty.name()));
        }
        format!("{}({})", self.name, parts.join(", "))
    }
}

fn arg_error(spec: &Spec, i: usize, msg: &str) -> FuncError {
    let name = spec.param(i).map_or("args", |p| p.name);
    let msg = msg.trim_end_matches('.');
    FuncError { message: format!("Invalid value for \"{name}\" parameter: {msg}."), arg: Some(i) }
}

const fn spec(name: &'static str, params: &'static [Param], var: Option<Param>, unk: Unk, imp: Impl) -> Spec {
    Spec { name, params, var, unk, imp }
}

use Pt::*;
use Unk::{Deep, Own};

const STR: &[Param] = &[p("str", Str)];
const NUM: &[Param] = &[p("num", Num)];
const PATH: &[Param] = &[p("path", Str)];
const V: &[Param] = &[pn("v", Any)];
const VALUE: &[Param] = &[pn("value", Any)];
const LIST_ANY_DYN: &[Param] = &[p("list", Any)];
const NONE: &[Param] = &[];

/// Every built-in function, sorted by name.
static SPECS: &[Spec] = &[
    spec("abs", NUM, None, Deep, numeric::abs),
    spec("abspath", PATH, None, Deep, filesystem::abspath),
    spec("alltrue", &[p("list", ListBool)], None, Own, collection::alltrue),
    spec("anytrue", &[p("list", ListBool)], None, Own, collection::anytrue),
    spec("base64decode", STR, None, Deep, encoding::base64decode),
    spec("base64encode", STR, None, Deep, encoding::base64encode),
    spec("base64sha256", STR, None, Deep, crypto::base64sha256),
    spec("base64sha512", STR, None, Deep, crypto::base64sha512),
    spec("basename", PATH, None, Deep, filesystem::basename),
    spec("ceil", NUM, None, Deep, numeric::ceil),
    spec("chomp", STR, None, Deep, string::chomp),
    spec("chunklist", &[p("list", ListAny), p("size", Num)], None, Own, collection::chunklist),
    spec("cidrhost", &[p("prefix", Str), p("hostnum", Num)], None, Deep, cidr::cidrhost),
    spec("cidrnetmask", &[p("prefix", Str)], None, Deep, cidr::cidrnetmask),
    spec("cidrsubnet", &[p("prefix", Str), p("newbits", Num), p("netnum", Num)], None, Deep, cidr::cidrsubnet),
    spec("cidrsubnets", &[p("prefix", Str)], Some(p("newbits", Num)), Deep, cidr::cidrsubnets),
    spec("coalesce", NONE, Some(pn("vals", Any)), Own, collection::coalesce),
    spec("coalescelist", NONE, Some(pn("vals", Any)), Own, collection::coalescelist),
    spec("compact", &[p("list", ListStr)], None, Deep, collection::compact),
    spec("concat", NONE, Some(p("seqs", Any)), Own, collection::concat),
    spec("contains", &[p("list", Any), p("value", Any)], None, Own, collection::contains),
    spec("csvdecode", STR, None, Deep, encoding::csvdecode),
    spec("dirname", PATH, None, Deep, filesystem::dirname),
    spec("distinct", &[p("list", ListAny)], None, Deep, collection::distinct),
    spec("element", &[p("list", Any), p("index", Num)], None, Own, collection::element),
    spec("endswith", &[p("str", Str), p("suffix", Str)], None, Deep, string::endswith),
    spec("ephemeralasnull", VALUE, None, Own, conversion::identity),
    spec("file", PATH, None, Deep, filesystem::file),
    spec("filebase64", PATH, None, Deep, filesystem::filebase64),
    spec("filebase64sha256", PATH, None, Deep, crypto::filebase64sha256),
    spec("filebase64sha512", PATH, None, Deep, crypto::filebase64sha512),
    spec("fileexists", PATH, None, Deep, filesystem::fileexists),
    spec("filemd5", PATH, None, Deep, crypto::filemd5),
    spec("filesha1", PATH, None, Deep, crypto::filesha1),
    spec("filesha256", PATH, None, Deep, crypto::filesha256),
    spec("filesha512", PATH, None, Deep, crypto::filesha512),
    spec("flatten", LIST_ANY_DYN, None, Own, collection::flatten),
    spec("floor", NUM, None, Deep, numeric::floor),
    spec("format", &[p("format", Str)], Some(pn("args", Any)), Deep, string::format),
    spec("formatlist", &[p("format", Str)], Some(pn("args", Any)), Own, string::formatlist),
    spec("indent", &[p("spaces", Num), p("str", Str)], None, Deep, string::indent),
    spec("index", &[p("list", Any), p("value", Any)], None, Own, collection::index),
    spec("issensitive", VALUE, None, Own, conversion::issensitive),
    spec("join", &[p("separator", Str)], Some(p("lists", ListStr)), Deep, string::join),
    spec("jsondecode", STR, None, Deep, encoding::jsondecode),
    spec("jsonencode", &[pn("val", Any)], None, Deep, encoding::jsonencode),
    spec("keys", &[p("inputMap", Any)], None, Own, collection::keys),
    spec("length", &[p("value", Any)], None, Own, collection::length),
    spec("list", NONE, Some(pn("vals", Any)), Own, collection::removed_list),
    spec("log", &[p("num", Num), p("base", Num)], None, Deep, numeric::log),
    spec("lookup", &[p("inputMap", Any), p("key", Str)], Some(pn("default", Any)), Own, collection::lookup),
    spec("lower", STR, None, Deep, string::lower),
    spec("map", NONE, Some(pn("vals", Any)), Own, collection::removed_map),
    spec("matchkeys", &[p("values", ListAny), p("keys", ListAny), p("searchset", ListAny)], None, Own, collection::matchkeys),
    spec("max", NONE, Some(p("numbers", Num)), Deep, numeric::max),
    spec("md5", STR, None, Deep, crypto::md5),
    spec("merge", NONE, Some(pn("maps", Any)), Own, collection::merge),
    spec("min", NONE, Some(p("numbers", Num)), Deep, numeric::min),
    spec("nonsensitive", VALUE, None, Own, conversion::identity),
    spec("one", LIST_ANY_DYN, None, Own, collection::one),
    spec("parseint", &[p("number", Any), p("base", Num)], None, Deep, numeric::parseint),
    spec("pathexpand", PATH, None, Deep, filesystem::pathexpand),
    spec("plantimestamp", NONE, None, Deep, conversion::unknown),
    spec("pow", &[p("num", Num), p("power", Num)], None, Deep, numeric::pow),
    spec("range", NONE, Some(p("params", Num)), Deep, collection::range),
    spec("regex", &[p("pattern", Str), p("string", Str)], None, Deep, string::regex),
    spec("regexall", &[p("pattern", Str), p("string", Str)], None, Deep, string::regexall),
    spec("replace", &[p("str", Str), p("substr", Str), p("replace", Str)], None, Deep, string::replace),
    spec("reverse", LIST_ANY_DYN, None, Own, collection::reverse),
    spec("sensitive", VALUE, None, Own, conversion::identity),
    spec("setintersection", &[p("first_set", SetAny)], Some(p("other_sets", SetAny)), Deep, collection::setintersection),
    spec("setproduct", NONE, Some(p("sets", Any)), Own, collection::setproduct),
    spec("setsubtract", &[p("a", SetAny), p("b", SetAny)], None, Deep, collection::setsubtract),
    spec("setunion", &[p("first_set", SetAny)], Some(p("other_sets", SetAny)), Deep, collection::setunion),
    spec("sha1", STR, None, Deep, crypto::sha1),
    spec("sha256", STR, None, Deep, crypto::sha256),
    spec("sha512", STR, None, Deep, crypto::sha512),
    spec("signum", NUM, None, Deep, numeric::signum),
    spec("slice", &[p("list", Any), p("start_index", Num), p("end_index", Num)], None, Own, collection::slice),
    spec("sort", &[p("list", ListStr)], None, Deep, collection::sort),
    spec("split", &[p("separator", Str), p("str", Str)], None, Deep, string::split),
    spec("startswith", &[p("str", Str), p("prefix", Str)], None, Deep, string::startswith),
    spec("strcontains", &[p("str", Str), p("substr", Str)], None, Deep, string::strcontains),
    spec("strrev", STR, None, Deep, string::strrev),
    spec("substr", &[p("str", Str), p("offset", Num), p("length", Num)], None, Deep, string::substr),
    spec("sum", &[p("list", Any)], None, Deep, collection::sum),
    spec("timestamp", NONE, None, Deep, conversion::unknown),
    spec("title", STR, None, Deep, string::title),
    spec("tobool", V, None, Own, conversion::tobool),
    spec("tolist", V, None, Own, conversion::tolist),
    spec("tomap", V, None, Own, conversion::tomap),
    spec("tonumber", V, None, Own, conversion::tonumber),
    spec("toset", V, None, Own, conversion::toset),
    spec("tostring", V, None, Own, conversion::tostring),
    spec("transpose", &[p("values", MapListStr)], None, Deep, collection::transpose),
    spec("trim", &[p("str", Str), p("cutset", Str)], None, Deep, string::trim),
    spec("trimprefix", &[p("str", Str), p("prefix", Str)], None, Deep, string::trimprefix),
    spec("trimspace", STR, None, Deep, string::trimspace),
    spec("trimsuffix", &[p("str", Str), p("suffix", Str)], None, Deep, string::trimsuffix),
    spec("upper", STR, None, Deep, string::upper),
    spec("urlencode", STR, None, Deep, encoding::urlencode),
    spec("uuid", NONE, None, Deep, crypto::uuid),
    spec("uuidv5", &[p("namespace", Str), p("name", Str)], None, Deep, crypto::uuidv5),
    spec("values", &[p("values", Any)], None, Own, collection::values),
    spec("yamldecode", &[p("src", Str)], None, Deep, encoding::yamldecode),
    spec("yamlencode", &[pn("value", Any)], None, Deep, encoding::yamlencode),
    spec("zipmap", &[p("keys", ListStr), p("values", Any)], None, Own, collection::zipmap),
];

/// Functions that exist in Terraform but that the expression evaluator implements, because
/// they need expressions or scopes rather than values.
const EVALUATOR_FUNCTIONS: &[&str] = &["can", "templatefile", "templatestring", "try", "type"];

/// Every function name, sorted, for "did you mean" suggestions.
pub const NAMES: &[&str] = &[
    "abs",
    "abspath",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "base64sha256",
    "base64sha512",
    "basename",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "csvdecode",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "ephemeralasnull",
    "file",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "fileexists",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "indent",
    "index",
    "issensitive",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "list",
    "log",
    "lookup",
    "lower",
    "map",
    "matchkeys",
    "max",
    "md5",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "parseint",
    "pathexpand",
    "plantimestamp",
    "pow",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "sensitive",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "sha1",
    "sha256",
    "sha512",
    "signum",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "sum",
    "templatefile",
    "templatestring",
    "timestamp",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "type",
    "upper",
    "urlencode",
    "uuid",
    "uuidv5",
    "values",
    "yamldecode",
    "yamlencode",
    "zipmap",
];

fn find(name: &str) -> Option<&'static Spec> {
    SPECS.binary_search_by(|s| s.name.cmp(name)).ok().map(|i| &SPECS[i])
}

/// Built-in functions may also be called as `core::name` (Terraform 1.8 and later).
fn unqualified(name: &str) -> &str {
    name.strip_prefix("core::").unwrap_or(name)
}

/// Whether `name` is a built-in function.
pub fn exists(name: &str) -> bool {
    let name = unqualified(name);
    find(name).is_some() || EVALUATOR_FUNCTIONS.contains(&name)
}

/// The deepest nesting accepted in arguments; deeper values are rejected rather than risking
/// the stack in recursive functions.
const MAX_DEPTH: usize = 256;

fn too_deep(v: &Value) -> bool {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return true;
        }
        match v {
            Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => stack.extend(xs.iter().map(|x| (x, d + 1))),
            Value::Map(m) | Value::Object(m) => stack.extend(m.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    false
}

/// Calls the built-in function `name`. Unknown functions are reported by the caller through
/// [`exists`].
pub fn call(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Result<Value, FuncError> {
    let name = unqualified(name);
    if EVALUATOR_FUNCTIONS.contains(&name) {
        return Err(FuncError::call(format!("the {name} function is evaluated by the expression evaluator, not called with values")));
    }
    let Some(spec) = find(name) else {
        return Err(FuncError::call(format!("there is no function named \"{name}\"")));
    };
    let n = spec.params.len();
    if args.len() < n {
        let missing = spec.params[args.len()].name;
        let at_least = if spec.var.is_some() { "at least " } else { "" };
        return Err(FuncError::call(format!(
            "{NOT_ENOUGH}: Function \"{name}\" expects {at_least}{n} argument(s). Missing value for \"{missing}\". Signature: {}",
            spec.signature()
        )));
    }
    if args.len() > n && spec.var.is_none() {
        return Err(FuncError::call(format!(
            "{TOO_MANY}: Function \"{name}\" expects only {n} argument(s). Signature: {}",
            spec.signature()
        )));
    }
    let mut vals = Vec::with_capacity(args.len());
    for (i, v) in args.into_iter().enumerate() {
        let Some(param) = spec.param(i) else { break };
        if v.is_null() && !param.null {
            return Err(arg_error(spec, i, "argument must not be null"));
        }
        if too_deep(&v) {
            return Err(arg_error(spec, i, "value is nested too deeply"));
        }
        let v = convert_param(v, param.ty).map_err(|m| arg_error(spec, i, &m))?;
        vals.push(v);
    }
    if spec.unk == Deep && vals.iter().any(|v| !v.is_wholly_known()) {
        return Ok(Value::Unknown);
    }
    (spec.imp)(Args { vals, ctx, spec })
}

/// Converts an argument to a parameter type with Terraform's rules and messages.
fn convert_param(v: Value, ty: Pt) -> Result<Value, String> {
    if matches!(v, Value::Null | Value::Unknown) {
        return Ok(v);
    }
    match ty {
        Pt::Any => Ok(v),
        Pt::Str | Pt::Num | Pt::Bool => convert_primitive(v, ty),
        Pt::ListStr | Pt::ListBool => {
            let elem = if ty == Pt::ListStr { Pt::Str } else { Pt::Bool };
            match v {
                Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => {
                    let mut out = Vec::with_capacity(xs.len());
                    for (i, x) in xs.into_iter().enumerate() {
                        out.push(convert_param(x, elem).map_err(|m| format!("element {i}: {m}"))?);
                    }
                    Ok(Value::List(out))
                }
                _ => Err(format!("list of {} required", elem.name())),
            }
        }
        Pt::ListAny | Pt::SetAny => {
            let (kind, converted) = if ty == Pt::ListAny { ("list", conversion::to_list(&v)) } else { ("set", conversion::to_set(&v)) };
            converted.ok_or_else(|| {
                if v.is_seq() {
                    format!("all {kind} elements must have the same type")
                } else {
                    format!("{kind} of any single type required")
                }
            })
        }
        Pt::MapListStr => match v {
            Value::Map(m) | Value::Object(m) => {
                let mut out = std::collections::BTreeMap::new();
                for (k, x) in m {
                    let x = convert_param(x, Pt::ListStr).map_err(|e| format!("element \"{k}\": {e}"))?;
                    out.insert(k, x);
                }
                Ok(Value::Map(out.into()))
            }
            _ => Err("map of list of string required".into()),
        },
    }
}

fn convert_primitive(v: Value, ty: Pt) -> Result<Value, String> {
    match (ty, v) {
        (_, v @ (Value::Null | Value::Unknown)) => Ok(v),
        (Pt::Str, v @ Value::String(_)) => Ok(v),
        (Pt::Str, Value::Number(n)) => Ok(Value::String(format_number(n).into())),
        (Pt::Str, Value::Bool(b)) => Ok(Value::String(b.to_string().into())),
        (Pt::Str, _) => Err("string required".into()),
        (Pt::Num, v @ Value::Number(_)) => Ok(v),
        (Pt::Num, Value::String(s)) => crate::types::parse_number(&s).map(Value::Number).ok_or_else(|| "a number is required".into()),
        (Pt::Num, _) => Err("number required".into()),
        (Pt::Bool, v @ Value::Bool(_)) => Ok(v),
        (Pt::Bool, Value::String(s)) => match s.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("a bool is required".into()),
        },
        (Pt::Bool, _) => Err("bool required".into()),
        (_, v) => Ok(v),
    }
}

/// Terraform's conversion of a number to a Go `int`.
pub(crate) fn to_int(n: f64) -> Result<i64, String> {
    // ±2^63 are exactly representable; every f64 in [-2^63, 2^63) converts without overflow.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if n.is_finite() && n.fract() == 0.0 && (-TWO_63..TWO_63).contains(&n) {
        Ok(n as i64)
    } else {
        Err("value must be a whole number, between -9223372036854775808 and 9223372036854775807".into())
    }
}

/// The user-perceived characters of a string, as Terraform counts them.
pub(crate) fn graphemes(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.graphemes(true)
}

#[cfg(test)]
mod dispatch_tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_complete() {
        let mut sorted = NAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, NAMES);
        let mut expected: Vec<&str> = SPECS.iter().map(|s| s.name).chain(EVALUATOR_FUNCTIONS.iter().copied()).collect();
        expected.sort_unstable();
        assert_eq!(expected, NAMES);
        assert!(SPECS.windows(2).all(|w| w[0].name < w[1].name), "SPECS must be sorted");
    }

    #[test]
    fn exists_knows_evaluator_functions() {
        for name in ["try", "can", "templatefile", "type", "upper", "cidrsubnet"] {
            assert!(exists(name), "{name}");
        }
        assert!(!exists("nosuch"));
        assert!(exists("core::upper"));
        assert_eq!(call("core::upper", vec![Value::string("a")], &FuncContext::default()), Ok(Value::string("A")));
        assert!(call("try", vec![], &FuncContext::default()).is_err());
    }

    #[test]
    fn arity_errors_show_the_signature() {
        let ctx = FuncContext::default();
        let e = call("upper", vec![], &ctx).unwrap_err();
        assert_eq!(e.summary(), "Not enough function arguments");
        assert!(e.message.contains("upper(str string)"), "{}", e.message);
        assert!(e.message.contains("Missing value for \"str\""), "{}", e.message);
        let e = call("upper", vec![Value::string("a"), Value::string("b")], &ctx).unwrap_err();
        assert_eq!(e.summary(), "Too many function arguments");
        let e = call("cidrsubnets", vec![], &ctx).unwrap_err();
        assert!(e.message.contains("at least 1 argument(s)"), "{}", e.message);
        assert!(e.message.contains("cidrsubnets(prefix string, newbits... number)"), "{}", e.message);
    }

    #[test]
    fn null_arguments_are_rejected_with_terraform_wording() {
        let e = call("upper", vec![Value::Null], &FuncContext::default()).unwrap_err();
        assert_eq!(e.message, "Invalid value for \"str\" parameter: argument must not be null.");
        assert_eq!(e.arg, Some(0));
        assert_eq!(e.summary(), "Invalid function argument");
        assert_eq!(e.detail("upper"), e.message);
        let e = call("element", vec![Value::Tuple(vec![]), Value::Number(0.0)], &FuncContext::default()).unwrap_err();
        assert_eq!(e.detail("element"), "Call to function \"element\" failed: cannot use element function with an empty list.");
    }

    #[test]
    fn deep_values_are_rejected_not_overflowed() {
        let mut v = Value::Number(1.0);
        for _ in 0..2_000 {
            v = Value::Tuple(vec![v]);
        }
        assert!(call("flatten", vec![v.clone()], &FuncContext::default()).is_err());
        assert!(call("jsonencode", vec![v], &FuncContext::default()).is_err());
    }
}
