//! `plcli lint`

use std::path::{Component, Path};

use clap::{Args, ValueEnum};
use plcli_lint::render::{self, SarifOptions};
use plcli_lint::{Settings, Severity};
use plcli_syntax::{Diagnostics, SourceMap};

use crate::ui::Ui;
use crate::GlobalArgs;

/// Output formats of `plcli lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Each finding with its source snippet (miette), then a summary.
    Text,
    /// `file:line:col: severity PLnnn message`, one line per finding.
    Compact,
    /// `{"findings": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub: github/codeql-action/upload-sarif).
    Sarif,
}

/// A severity threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    Error,
    Warning,
    Notice,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
    /// Exit 2 when findings at or above this severity remain (below it they are still shown).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value = "warning")]
    pub min_severity: MinSeverity,
    /// Run only this rule (ID or name; repeatable). Overrides `enabled = false` in .plcli-lint.hcl.
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Do not run this rule (ID or name; repeatable).
    #[arg(long = "skip", value_name = "ID")]
    pub skip: Vec<String>,
    /// Print a rule's documentation (what it finds, why, an example, the fix) and exit.
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
    /// SARIF: each rule's helpUri is this URL followed by `PLnnn.md` (the docs/lint-rules/
    /// directory of plcli's repository, or your mirror of it).
    #[arg(long, value_name = "URL", env = "PLCLI_LINT_HELP_URI_BASE")]
    pub help_uri_base: Option<String>,
}

/// `dir` as a path prefix relative to the working directory (`""` for `.`), for SARIF URIs.
fn path_prefix(dir: &Path) -> String {
    let rel = if dir.is_absolute() {
        match std::env::current_dir().ok().and_then(|cwd| dir.strip_prefix(cwd).ok().map(Path::to_path_buf)) {
            Some(r) => r,
            None => dir.to_path_buf(),
        }
    } else {
        dir.to_path_buf()
    };
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

fn selection(names: &[String], diags: &mut Diagnostics) -> Vec<&'static plcli_lint::RuleInfo> {
    let mut out = Vec::new();
    for n in names {
        match plcli_lint::rule(n) {
            Some(r) => out.push(r),
            None => diags.push(plcli_lint::unknown_rule(n)),
        }
    }
    out
}

pub fn run(global: &GlobalArgs, args: &LintArgs, ui: &Ui) -> u8 {
    let mut sources = SourceMap::new();
    if let Some(id) = &args.explain {
        return match plcli_lint::rule(id) {
            Some(r) => {
                print!("{}", r.page());
                0
            }
            None => {
                ui.print_diagnostics(&plcli_lint::unknown_rule(id).into(), &sources);
                1
            }
        };
    }
    let mut diags = Diagnostics::new();
    let select = selection(&args.rules, &mut diags);
    let skip = selection(&args.skip, &mut diags);
    if diags.has_errors() {
        ui.print_diagnostics(&diags, &sources);
        return 1;
    }
    let (root, load_diags) = plcli_config::load_config(&global.dir, &mut sources);
    if load_diags.iter().any(|d| matches!(d.code, "no_such_directory" | "no_configuration_files")) {
        ui.print_diagnostics(&load_diags, &sources);
        return 1;
    }
    let mut prior = load_diags;
    let (vars, var_diags) = plcli_config::variables::collect(&root, &global.dir, &super::tf_var_env(), &super::cli_vars(), &mut sources);
    prior.extend(var_diags);
    let mut settings = match Settings::load(&global.dir, &mut sources) {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d, &sources);
            return 1;
        }
    };
    settings.select = select;
    settings.skip = skip;
    let (report, warnings) = match plcli_lint::lint(&root, &vars, &global.dir, prior, &sources, &settings) {
        Ok(r) => r,
        Err(d) => {
            ui.print_diagnostics(&d, &sources);
            eprintln!("plcli lint: the configuration is not valid; fix the errors above (see also `plcli validate`).");
            return 1;
        }
    };
    ui.print_diagnostics(&warnings, &sources);
    // The process ends after the command: the OS takes the configuration back faster than
    // freeing each value would (see `workflow::Session`).
    std::mem::forget(root);
    match args.format {
        LintFormat::Text => print!("{}", render::text(&report, &sources, ui.color_out)),
        LintFormat::Compact => print!("{}", render::compact(&report, &sources)),
        LintFormat::Json => println!("{}", serde_json::to_string_pretty(&render::json(&report, &sources)).unwrap_or_default()),
        LintFormat::Sarif => {
            let opts = SarifOptions {
                path_prefix: path_prefix(&global.dir),
                help_uri_base: args.help_uri_base.clone(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            };
            println!("{}", serde_json::to_string_pretty(&render::sarif(&report, &sources, &opts)).unwrap_or_default());
        }
    }
    let min = match args.min_severity {
        MinSeverity::Error => Severity::Error,
        MinSeverity::Warning => Severity::Warning,
        MinSeverity::Notice => Severity::Notice,
    };
    if report.fails(min) {
        2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sarif_prefixes_are_relative_paths() {
        assert_eq!(path_prefix(Path::new(".")), "");
        assert_eq!(path_prefix(Path::new("./examples/payments")), "examples/payments/");
        assert_eq!(path_prefix(Path::new("examples/x/../payments/")), "examples/payments/");
    }
}
