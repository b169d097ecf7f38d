//! plcli-graph: the dependency graph and its evaluation walk.
//!
//! Owns building the graph of configuration objects (variables, locals, outputs, resources,
//! data sources, module calls) from the references in their expressions and `depends_on`;
//! reporting cycles with every member; and walking it in dependency order, expanding `count`
//! and `for_each` (of resources and modules) into instances with Terraform addresses
//! (`aws_subnet.a[0]`, `module.c["acme"].aws_vpc.this`), checking every resource body against
//! its provider schema, and evaluating each instance's configuration ([`walk`]).
//!
//! Invariants: it never reads state or the world: what a resource instance's value looks like
//! to references (unknown computed attributes during validate; planned values during plan) is
//! decided by the caller's [`InstanceHook`]. Evaluation is deterministic: ties in the walk are
//! broken by address.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod body;
pub mod providers;
mod walk;

pub use body::{eval_body, BodyMode};
pub use providers::{caller_for, default_caller, simulation, Caller, SimAccount, Simulation};
pub use walk::{
    type_rank, walk, walk_scheduled, walk_with, DefaultHook, Evaluation, InstanceHook, InstanceKey, InstanceRecord, ModInst, PlcliAttr,
    PlcliValue, Schedule, WalkContext, WalkMode, WalkOptions,
};
