//! plcli-lint: PrivateLink-aware static rules over an evaluated configuration.
//!
//! Owns the rule catalogue ([`RULES`], one file per rule under `rules/`, each rule's doc
//! comment being both its `docs/lint-rules/PLnnn.md` page and its `--explain` text), the
//! symbolic evaluation that lets rules follow references between instances before anything
//! exists ([`analyze`]: every attribute only the cloud knows becomes a token naming its
//! instance, so `aws_subnet.app["a"].id` stays recognisable through locals, `for`
//! expressions, splats and module boundaries), the [`Topology`] the rules query (endpoint →
//! service → NLB → subnets → AZ IDs in each account; security group rules; principals;
//! dependency order), inline suppression (`# plcli-ignore: PLnnn`), `.plcli-lint.hcl`
//! [`Settings`], and the output formats ([`render`]: text, compact, JSON, SARIF).
//!
//! Invariants: it needs no world and no state: everything comes from the configuration,
//! the `simulation` block and AWS facts in `plcli-aws`. An invalid configuration is reported
//! with its diagnostics, never as findings. A rule reports only what it can prove from the
//! configuration; whatever it cannot resolve statically (unknown values, literal IDs of
//! objects outside the configuration, modules not available offline) it skips.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod analyze;
mod finding;
mod hook;
mod locate;
pub mod render;
pub mod rules;
mod settings;
mod suppress;
mod token;
mod topology;

pub use analyze::{analyze, Analysis};
pub use finding::{Finding, Report, Severity, Summary};
pub use rules::{doc_pages, rule, RuleInfo, RULES};
pub use settings::{unknown_rule, Settings, SETTINGS_FILE};
pub use topology::{node, Az, Inst, Topology};

use std::path::Path;

use plcli_config::variables::VarValues;
use plcli_config::Module;
use plcli_syntax::{Diagnostics, SourceMap};

/// Lints a loaded root: evaluates it (an invalid configuration, including errors among
/// `prior`, the diagnostics of loading it, comes back as `Err` with every diagnostic), runs
/// every rule `settings` enables, and drops suppressed findings. The warnings of a valid
/// configuration come back with the report.
pub fn lint(
    root: &Module,
    vars: &VarValues,
    root_dir: &Path,
    prior: Diagnostics,
    sources: &SourceMap,
    settings: &Settings,
) -> Result<(Report, Diagnostics), Diagnostics> {
    let analysis = analyze(root, vars, root_dir, prior)?;
    let topo = Topology::new(root, &analysis, sources);
    let report = rules::run(&topo, settings);
    Ok((report, analysis.warnings.clone()))
}
