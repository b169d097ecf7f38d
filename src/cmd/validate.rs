//! `plcli validate`

use clap::Args;
use plcli_graph::{walk, DefaultHook, WalkMode, WalkOptions};
use plcli_syntax::{Diagnostics, SourceMap};
use serde_json::json;

use crate::ui::Ui;
use crate::GlobalArgs;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Print the result as JSON, in the shape of `terraform validate -json` (plus a `code`
    /// per diagnostic).
    #[arg(long)]
    pub json: bool,
}

/// Loads, evaluates and checks the root; returns every diagnostic and the names of the
/// resource types that are not simulated.
pub fn check(global: &GlobalArgs, sources: &mut SourceMap) -> (Diagnostics, Vec<String>) {
    let (root, mut diags) = plcli_config::load_config(&global.dir, sources);
    if diags.iter().any(|d| matches!(d.code, "no_such_directory" | "no_configuration_files")) {
        return (diags, Vec::new());
    }
    let (vars, var_diags) = plcli_config::variables::collect(&root, &global.dir, &super::tf_var_env(), &super::cli_vars(), sources);
    diags.extend(var_diags);
    let opts = WalkOptions { mode: WalkMode::Validate, vars: &vars, root_dir: global.dir.clone() };
    let (eval, walk_diags) = walk(&root, &opts, &mut DefaultHook);
    diags.extend(walk_diags);
    let opaque = eval.not_simulated.keys().cloned().collect();
    // The process ends after the command: the OS takes these back faster than freeing each
    // value would (see `workflow::Session`).
    std::mem::forget(eval);
    std::mem::forget(root);
    (diags.sorted(), opaque)
}

pub fn run(global: &GlobalArgs, args: &ValidateArgs, ui: &Ui) -> u8 {
    let mut sources = SourceMap::new();
    let (diags, opaque) = check(global, &mut sources);
    let valid = !diags.has_errors();
    if args.json {
        let out = json!({
            "format_version": "1.0",
            "valid": valid,
            "error_count": diags.error_count(),
            "warning_count": diags.warning_count(),
            "diagnostics": diags.iter().map(|d| d.to_json(&sources)).collect::<Vec<_>>(),
            "not_simulated": opaque,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        ui.print_diagnostics(&diags, &sources);
        if valid {
            if !opaque.is_empty() {
                println!("Note: plcli does not simulate {} (planned and applied as opaque resources).", opaque.join(", "));
            }
            if diags.warning_count() > 0 {
                println!("Success! The configuration is valid, but there were some validation warnings as shown above.");
            } else {
                println!("Success! The configuration is valid.");
            }
        }
    }
    if valid {
        0
    } else {
        1
    }
}
