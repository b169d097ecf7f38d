pub mod cloud;
pub mod fmt;
pub mod inspect;
pub mod lint;
pub mod validate;
pub mod verify;
pub mod workflow;

use std::path::PathBuf;

use plcli_config::variables::CliVar;

/// `--var` and `--var-file` in command-line order (the later one wins, across both flags).
pub fn cli_vars() -> Vec<CliVar> {
    let args: Vec<String> = std::env::args().collect();
    let mut out = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--var=") {
            out.push(CliVar::Var(v.to_string()));
        } else if let Some(v) = a.strip_prefix("--var-file=") {
            out.push(CliVar::File(PathBuf::from(v)));
        } else if a == "--var" || a == "--var-file" {
            if let Some(v) = args.get(i + 1) {
                out.push(if a == "--var" { CliVar::Var(v.clone()) } else { CliVar::File(PathBuf::from(v)) });
                i += 1;
            }
        }
        i += 1;
    }
    out
}

/// The process environment's `TF_VAR_*` entries.
pub fn tf_var_env() -> Vec<(String, String)> {
    std::env::vars().filter(|(k, _)| k.starts_with("TF_VAR_")).collect()
}
