//! plcli-verify: end-to-end path checks, hop by hop (SPEC §6).
//!
//! Owns the [`PathSpec`] (declared `path` blocks, or paths derived from every interface
//! endpoint), the evaluation of a path against the world in the order of SPEC §6 — source,
//! DNS, source security groups, each endpoint ENI, endpoint security groups, connection
//! state, service, NLB security groups, listener, NLB node, target group, healthy targets,
//! target security groups — with [`Scenario`]s (failed AZs, unhealthy targets), the
//! [`Explanation`] codes, and the text and JSON reports.
//!
//! Invariants: it reads the world and never changes it; every hop is evaluated and every
//! failing hop reported (not only the first); the world is indexed once per run, so
//! verifying every path is linear in the number of paths.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod check;
mod dns;
mod report;
mod sg;

pub use check::{verify_path, Context, CreateFailure, Explanation, Hop, PathResult, PathSpec, Scenario, Source, Target, Verdict};
pub use dns::{lookup, resolve, Answer, Resolution};
pub use report::{render_text, render_text_to, to_json};
