//! plcli-lang: the values of the Terraform language.
//!
//! Owns [`Value`] (including *unknown* values that only the cloud will know, which propagate
//! through every operation), [`Type`] constraints and Terraform's conversion rules, and the
//! built-in function library ([`functions::call`]).
//!
//! Invariants: no syntax (it never sees HCL text or spans: `plcli-eval` binds syntax to
//! values), no I/O except the file functions (`file`, `fileexists`, `templatefile`,
//! `filebase64`) which read relative to a base directory given by the caller; deterministic
//! (`uuid` is derived from its call site, never random).

mod entries;
pub mod functions;
mod json_layout;
mod types;
mod value;

pub use entries::{bytes_cmp, Entry, KeyOrd};
pub use json_layout::OuterIndent;
pub use types::{ObjectAttr, Type};
pub use value::{format_number, Entries, Key, Value, ValueMap};
