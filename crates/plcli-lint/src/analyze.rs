//! Evaluating the configuration for lint: first exactly as `validate` does (its errors make
//! the configuration invalid, and lint then reports them instead of findings), then again
//! with the symbolic hook, whose evaluation the rules read.

use std::path::Path;

use plcli_config::variables::VarValues;
use plcli_config::Module;
use plcli_graph::{walk_with, DefaultHook, Evaluation, InstanceHook, InstanceRecord, Schedule, WalkContext, WalkMode, WalkOptions};
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

/// The validating walk: validate's values, and only its diagnostics are wanted (the records
/// of its instances are dropped as it goes).
struct Checking;

impl InstanceHook for Checking {
    fn instance_value(
        &mut self,
        record: &mut InstanceRecord,
        schema: Option<&plcli_aws::BlockSchema>,
        ctx: &WalkContext,
    ) -> plcli_lang::Value {
        DefaultHook.instance_value(record, schema, ctx)
    }

    fn keep_instances(&self) -> bool {
        false
    }
}

/// Evaluates `root`. `prior` carries the diagnostics of loading the files and collecting the
/// variables; any error among them or among validate's makes the result `Err`.
pub fn analyze(root: &Module, vars: &VarValues, root_dir: &Path, prior: Diagnostics) -> Result<Analysis, Diagnostics> {
    let opts = WalkOptions { mode: WalkMode::Validate, vars, root_dir: root_dir.to_path_buf() };
    let mut diags = prior;
    let mut sched = match Schedule::build(root, &opts) {
        Ok(s) => s,
        Err(cycle) => {
            diags.extend(cycle);
            return Err(diags.sorted());
        }
    };
    diags.extend(sched.take_diags());
    // The symbolic walk runs beside the validating one, on the same graph: its result is used
    // only when validation finds no error. Tokens make some conditions and functions evaluate
    // where validate saw unknowns; what they report says nothing about the configuration,
    // which validate already checked.
    let sched = &sched;
    let ((checked, walk_diags), (eval, hook)) = std::thread::scope(|s| {
        let symbolic = s.spawn(|| {
            let mut hook = SymbolicHook::new(root);
            let (eval, _) = walk_with(root, &opts, &mut hook, sched);
            (eval, hook)
        });
        let checked = walk_with(root, &opts, &mut Checking, sched);
        match symbolic.join() {
            Ok(r) => (checked, r),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    diags.extend(walk_diags);
    let not_simulated: Vec<(String, Span)> = checked.not_simulated.iter().map(|(ty, span)| (ty.clone(), *span)).collect();
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    drop(checked);
    Ok(Analysis { eval, unexpanded: hook.unexpanded, warnings: diags.sorted(), not_simulated })
}
