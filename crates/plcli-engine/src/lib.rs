//! plcli-engine: runs the Terraform workflow against the simulated region.
//!
//! Owns opening a root's files ([`Workspace`]: state, world, locks, crash recovery from the
//! journal), refresh, planning ([`plan`]: the graph walk with a hook that diffs each instance
//! against its refreshed state and reads data sources), and applying ([`apply`]: a second walk
//! that performs each planned operation on the world in dependency order, records it in the
//! journal before its dependents start, and compacts into the state and world files at the
//! end).
//!
//! Invariants: the state never records what the world lacks (every journal record carries
//! the world change and the state change of one operation together); a failed operation stops
//! only its dependents; the world is loaded once per command and never cloned per operation.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod apply;
mod plan;
mod workspace;

pub use apply::{apply, apply_in_memory, commit, finish_commit, prepare_commit, ApplyReport, Failure, Predicted};
pub use plan::{plan, plan_with, PlanOptions, Planned, Prior};
pub use workspace::{Loaded, Recovery, Workspace, WorkspaceError};

use plcli_graph::Caller as ConfigCaller;
use plcli_graph::Simulation;

/// The simulator's caller for a provider configuration, with the account's quota overrides.
pub fn sim_caller(c: &ConfigCaller, sim: &Simulation) -> plcli_sim::Caller {
    plcli_sim::Caller {
        account: c.account.clone(),
        region: c.region.clone(),
        principal: c.principal.clone(),
        default_tags: c.default_tags.clone(),
        quotas: sim.accounts.get(&c.account).map(|a| a.quotas.clone()).unwrap_or_default(),
    }
}

/// Terraform's provider string for state: `provider["registry.terraform.io/hashicorp/aws"].alias`.
pub fn provider_string(key: &str, ty: &str) -> String {
    let (name, alias) = match key.split_once('.') {
        Some((n, a)) => (n, Some(a)),
        None => (key, None),
    };
    let source = if ty == "terraform_data" || name == "terraform" {
        "terraform.io/builtin/terraform".to_string()
    } else if name == "aws" {
        "registry.terraform.io/hashicorp/aws".to_string()
    } else {
        format!("registry.terraform.io/hashicorp/{name}")
    };
    match alias {
        Some(a) => format!("provider[\"{source}\"].{a}"),
        None => format!("provider[\"{source}\"]"),
    }
}
