//! plcli-config: the Terraform module model.
//!
//! Owns decoding parsed files into a [`Module`] tree (variables, locals, outputs, resources and
//! data sources with their meta-arguments, module calls with their loaded children, providers,
//! and the plcli-only `simulation` / `path` / `scenario` blocks), and collecting input
//! variable values from every source with Terraform's precedence ([`variables`]).
//!
//! Invariants: it evaluates only what does not depend on other objects (type constraints,
//! literal defaults); everything else is kept as syntax for the graph stage. Expressions are
//! moved out of the parsed bodies, never cloned or re-parsed.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod decode;
pub mod variables;

pub use decode::{
    load_config, Lifecycle, Local, Module, ModuleCall, ModuleSource, Output, PlcliBlock, ProviderConfig, ProviderRef, Resource, Validation,
    Variable,
};
pub use plcli_eval::ResourceMode;
