//! Terraform's built-in functions.

use std::path::PathBuf;

use crate::Value;

/// What a function may need from its caller.
#[derive(Debug, Clone, Default)]
pub struct FuncContext {
    /// `path.module`: base for `file`, `fileexists`, `filebase64`, `templatefile`.
    pub base_dir: PathBuf,
}

/// A function call failed; `arg` is the index of the offending argument when one is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncError {
    pub message: String,
    pub arg: Option<usize>,
}

/// Calls the built-in function `name`. Unknown functions are reported by the caller through
/// [`exists`].
pub fn call(name: &str, args: Vec<Value>, _ctx: &FuncContext) -> Result<Value, FuncError> {
    let _ = args;
    Err(FuncError { message: format!("function {name} is not implemented yet"), arg: None })
}

/// Whether `name` is a built-in function.
pub fn exists(_name: &str) -> bool {
    true
}
pub const NAMES: &[&str] = &[];
