//! plcli-syntax: the first stage of the pipeline.
//!
//! Owns reading a root directory (`*.tf`, `*.plcli.hcl`, tfvars files), parsing HCL with
//! `hcl-edit` into the compact tree of [`ast`] (every item keeps its byte span), the [`SourceMap`] that turns spans into
//! `file:line:column`, and [`Diagnostic`]s (miette-rendered text and Terraform's JSON shape).
//!
//! Invariants: it never evaluates an expression and knows nothing about AWS; a file is read and
//! parsed exactly once; nothing here panics on any input (binary files, invalid UTF-8, deep
//! nesting all become diagnostics).

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

pub mod ast;
mod diag;
mod load;
mod source;

pub use diag::{Diagnostic, Diagnostics, Label, Severity};
pub use load::{load_root, parse_file, parse_tfvars, FileKind, LoadedRoot, ParsedFile, TfvarsFile};
pub use source::{FileId, Pos, SourceFile, SourceMap, Span};

/// Re-export of the HCL parser (for `fmt`'s syntax check and parser errors).
pub use hcl_edit;
