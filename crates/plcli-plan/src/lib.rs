//! plcli-plan: what will change, as values.
//!
//! Owns the plan model ([`Plan`], [`ResourceChange`], [`Action`]), the diff of a resource
//! instance's configuration against its (refreshed) prior state with the provider's
//! force-new rules ([`diff`]), the text renderer in Terraform's format ([`render`]) and the
//! JSON renderer in the shape of `terraform show -json` ([`to_json`]), and saved plan files.
//!
//! Invariants: it computes from values only and never touches the world or the state file;
//! the engine hands it refreshed prior values.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod diff;
mod model;
mod render;

pub use diff::{diff, values_equal, Diff};
pub use model::{Action, OutputChange, Plan, ResourceChange};
pub use render::{render, render_to, render_value, to_json};
