//! Evaluating the configuration for lint: first exactly as `validate` does (its errors make
//! the configuration invalid, and lint then reports them instead of findings), then again
//! with the symbolic hook, whose evaluation the rules read.

use std::path::Path;

use plcli_config::variables::VarValues;
use plcli_config::Module;
use plcli_graph::{walk_scheduled, DefaultHook, Evaluation, InstanceRecord, WalkMode, WalkOptions};
use plcli_syntax::{Diagnostics, Span};

use crate::hook::SymbolicHook;

/// The evaluated configuration the rules work on.
#[derive(Debug)]
pub struct Analysis {
    /// Every expanded instance, evaluated with tokens for what only the cloud knows.
    pub eval: Evaluation,
    /// Instances of resources whose count/for_each is unknown (how many there will be is not).
    pub unexpanded: Vec<InstanceRecord>,
    /// Warnings from loading and evaluation (the configuration is valid).
    pub warnings: Diagnostics,
    /// Resource and data source types plcli does not simulate, with their first use.
    pub not_simulated: Vec<(String, Span)>,
}

/// Evaluates `root`. `prior` carries the diagnostics of loading the files and collecting the
/// variables; any error among them or among validate's makes the result `Err`.
pub fn analyze(root: &Module, vars: &VarValues, root_dir: &Path, prior: Diagnostics) -> Result<Analysis, Diagnostics> {
    let opts = WalkOptions { mode: WalkMode::Validate, vars, root_dir: root_dir.to_path_buf() };
    // The symbolic walk below is of the same configuration: it reuses this walk's graph.
    let mut schedule = None;
    let (checked, walk_diags) = walk_scheduled(root, &opts, &mut DefaultHook, &mut schedule);
    let mut diags = prior;
    diags.extend(walk_diags);
    let not_simulated: Vec<(String, Span)> = checked.not_simulated.iter().map(|(ty, span)| (ty.clone(), *span)).collect();
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    drop(checked);
    let mut hook = SymbolicHook::new(root);
    // Tokens make some conditions and functions evaluate where validate saw unknowns; what
    // they report says nothing about the configuration, which validate already checked.
    let (eval, _) = walk_scheduled(root, &opts, &mut hook, &mut schedule);
    Ok(Analysis { eval, unexpanded: hook.unexpanded, warnings: diags.sorted(), not_simulated })
}
