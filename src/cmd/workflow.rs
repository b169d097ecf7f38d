//! `plcli plan`, `plcli apply`, `plcli destroy`.

use std::io::{IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use plcli_engine::{PlanOptions, Planned, Workspace};
use plcli_plan::{render_to, to_json};
use plcli_syntax::{Diagnostic, Diagnostics, SourceMap};

use crate::ui::Ui;
use crate::GlobalArgs;

/// The workspace of the global options.
pub fn workspace(global: &GlobalArgs, lock_timeout: Duration) -> Workspace {
    let mut ws = Workspace::new(&global.dir, global.state.as_deref(), global.world.as_deref());
    ws.cli_vars = super::cli_vars();
    ws.env = super::tf_var_env();
    ws.lock_timeout = lock_timeout;
    ws
}

/// Parses `--lock-timeout` values: `0s`, `500ms`, `5s`, `2m`, or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num.parse().map_err(|_| format!("invalid duration \"{s}\": use e.g. 0s, 500ms, 5s, 2m"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("invalid duration \"{s}\": use e.g. 0s, 500ms, 5s, 2m")),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Save the plan to FILE, for `plcli apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the plan as JSON, in the shape of `terraform show -json` for plans.
    #[arg(long)]
    pub json: bool,
    /// Plan to destroy every managed object.
    #[arg(long)]
    pub destroy: bool,
    /// Limit the plan to ADDR and what it depends on (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// Plan to replace the instance at ADDR even if nothing forces it (repeatable).
    #[arg(long = "replace", value_name = "ADDR")]
    pub replace: Vec<String>,
    /// Read every object back from the world before planning (--refresh=false skips it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub refresh: bool,
    /// Exit 2 when the plan has changes, 0 when it has none.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// How long to wait for the state lock (e.g. 5s).
    #[arg(long, default_value = "0s", value_parser = parse_duration, value_name = "DURATION")]
    pub lock_timeout: Duration,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// Apply without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// How long to wait for the state and world locks (e.g. 5s).
    #[arg(long, default_value = "0s", value_parser = parse_duration, value_name = "DURATION")]
    pub lock_timeout: Duration,
    /// A plan saved with `plcli plan --out FILE`.
    #[arg(value_name = "PLANFILE")]
    pub plan_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DestroyArgs {
    /// Destroy without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// How long to wait for the state and world locks (e.g. 5s).
    #[arg(long, default_value = "0s", value_parser = parse_duration, value_name = "DURATION")]
    pub lock_timeout: Duration,
}

fn fail(ui: &Ui, diags: &Diagnostics, sources: &SourceMap) -> u8 {
    ui.print_diagnostics(&diags.clone().sorted(), sources);
    1
}

/// Loads everything a plan needs, recovering an interrupted apply first.
///
/// The configuration, state and world are never freed: a command ends with the process, and
/// freeing hundreds of thousands of values one by one took a tenth of a large plan; the OS
/// takes the pages back at once. The locks are released as usual.
pub(crate) struct Session {
    pub ws: Workspace,
    pub loaded: ManuallyDrop<plcli_engine::Loaded>,
    pub state: ManuallyDrop<plcli_state::State>,
    pub world: ManuallyDrop<plcli_sim::World>,
    _locks: Vec<plcli_state::Lock>,
}

pub(crate) fn open(global: &GlobalArgs, lock_timeout: Duration, operation: &str, write_world: bool, ui: &Ui) -> Result<Session, u8> {
    let ws = workspace(global, lock_timeout);
    // The configuration and the files are independent: load one while reading the others
    // (under the lock). An invalid configuration is reported first, as before anything else.
    let (loaded, files) = std::thread::scope(|s| {
        let loading = s.spawn(|| {
            let loaded = ws.load(true);
            // Every command that opens the files plans: build the walk's schedule while the
            // files are still being read.
            if let Ok(l) = &loaded {
                l.prepare_schedule();
            }
            loaded
        });
        let files = open_files(&ws, operation, write_world);
        let loaded = loading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (loaded, files)
    });
    let loaded = match loaded {
        Ok(l) => l,
        Err((sources, diags)) => return Err(fail(ui, &diags, &sources)),
    };
    let empty = SourceMap::new();
    let (locks, state, world) = files.map_err(|d| fail(ui, &d.into(), &empty))?;
    Ok(Session { ws, loaded: ManuallyDrop::new(loaded), state: ManuallyDrop::new(state), world: ManuallyDrop::new(world), _locks: locks })
}

/// Locks the state (and world), recovers an interrupted apply, and reads both.
fn open_files(
    ws: &Workspace,
    operation: &str,
    write_world: bool,
) -> Result<(Vec<plcli_state::Lock>, plcli_state::State, plcli_sim::World), plcli_engine::WorkspaceError> {
    let journal = ws.journal_path().exists();
    let locks = ws.lock(operation, write_world || journal)?;
    if journal {
        match ws.recover()? {
            plcli_engine::Recovery::Replayed => {
                eprintln!("plcli: finished recording an apply that was interrupted (journal {} replayed)", ws.journal_path().display())
            }
            plcli_engine::Recovery::Discarded => eprintln!(
                "plcli: an apply was interrupted before it took effect; nothing of it was applied (journal {} removed)",
                ws.journal_path().display()
            ),
            plcli_engine::Recovery::Nothing => {}
        }
    }
    let (state, world) = ws.read_state_and_world()?;
    Ok((locks, state, world))
}

/// A plan, never freed (see [`Session`]).
pub(crate) fn make_plan(s: &mut Session, opts: &PlanOptions) -> ManuallyDrop<Planned> {
    ManuallyDrop::new(plcli_engine::plan(&s.ws, &s.loaded, &s.state, &mut s.world, opts))
}

/// A plan with its text already rendered, when there was time for it: the plan's text is
/// written to an unnamed temporary file while the prediction runs on the other core.
fn make_rendered_plan(s: &mut Session, opts: &PlanOptions) -> (ManuallyDrop<Planned>, Option<std::fs::File>) {
    let mut rendered = None;
    let planned = plcli_engine::plan_with(&s.ws, &s.loaded, &s.state, &mut s.world, opts, &mut |plan| rendered = render_to_file(plan));
    (ManuallyDrop::new(planned), rendered)
}

fn render_to_file(plan: &plcli_plan::Plan) -> Option<std::fs::File> {
    use std::io::Seek;
    let mut file = tempfile::tempfile().ok()?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut file);
    let mut failed = false;
    render_to(plan, &mut |chunk| failed |= w.write_all(chunk.as_bytes()).is_err());
    failed |= w.flush().is_err();
    drop(w);
    (!failed && file.rewind().is_ok()).then_some(file)
}

/// Prints an apply's progress lines (buffered: there are two per resource).
fn print_lines(lines: &[String]) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// Prints a plan, from its rendered text when there is one.
fn print_rendered_plan(plan: &plcli_plan::Plan, rendered: Option<std::fs::File>) {
    if let Some(mut file) = rendered {
        let mut stdout = std::io::stdout().lock();
        if std::io::copy(&mut file, &mut stdout).is_ok() {
            let _ = stdout.flush();
            return;
        }
    }
    print_plan(plan);
}

pub fn run_plan(global: &GlobalArgs, args: &PlanArgs, ui: &Ui) -> u8 {
    let mut s = match open(global, args.lock_timeout, "plan", false, ui) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let opts = PlanOptions {
        destroy: args.destroy,
        targets: args.targets.clone(),
        replace: args.replace.clone(),
        refresh: args.refresh,
        predict: true,
        commit: false,
        values_only: false,
    };
    let (planned, rendered) = if args.json { (make_plan(&mut s, &opts), None) } else { make_rendered_plan(&mut s, &opts) };
    ui.print_diagnostics(&planned.diags.clone().sorted(), &s.loaded.sources);
    if planned.diags.has_errors() {
        return 1;
    }
    if args.json {
        // terraform show -json includes the prior state the plan was made against.
        let prior = [("prior_state".to_string(), super::inspect::state_json(&s.state))].into_iter().collect();
        println!("{}", serde_json::to_string(&to_json(&planned.plan, &prior)).unwrap_or_default());
    } else {
        print_rendered_plan(&planned.plan, rendered);
    }
    if let Some(out) = &args.out {
        let mut bytes = serde_json::to_vec_pretty(&planned.plan.to_saved()).unwrap_or_default();
        bytes.push(b'\n');
        if let Err(e) = plcli_state::atomic_write(out, &bytes) {
            eprintln!("plcli: cannot write plan file {}: {e}", out.display());
            return 1;
        }
        if !args.json {
            println!(
                "\nSaved the plan to: {}\n\nTo perform exactly these actions, run the following command to apply:\n    plcli apply \"{}\"",
                out.display(),
                out.display()
            );
        }
    }
    if args.detailed_exitcode && planned.plan.has_changes() {
        2
    } else {
        0
    }
}

/// Prints a plan as it is rendered (a large plan's text is never held whole).
fn print_plan(plan: &plcli_plan::Plan) {
    let mut stdout = std::io::stdout().lock();
    render_to(plan, &mut |chunk| {
        let _ = stdout.write_all(chunk.as_bytes());
    });
    let _ = stdout.flush();
}

fn confirm(auto_approve: bool, question: &str) -> Result<bool, String> {
    if auto_approve {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err("plcli needs --auto-approve when it is not run on a terminal (it cannot ask for confirmation)".into());
    }
    print!(
        "\n{question}\n  plcli will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
    );
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    Ok(line.trim() == "yes")
}

fn execute(s: &mut Session, mut planned: ManuallyDrop<Planned>, ui: &Ui, destroy: bool) -> u8 {
    let (add, change, del) = planned.plan.counts();
    let total = (add + change + del) as u64;
    let predicted = planned.predicted.take();
    // Large applies on a terminal get a progress bar; the Terraform-style lines still go to
    // stdout (above the bar). A predicted apply has nothing to wait for.
    let bar = (predicted.is_none() && total >= 50 && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut stdout = std::io::stdout();
    let mut log = |line: &str| match &bar {
        Some(b) => {
            if line.ends_with("...") {
                b.set_message(line.to_string());
            } else {
                b.inc(1);
                b.suspend(|| {
                    let _ = writeln!(stdout, "{line}");
                });
            }
        }
        None => {
            let _ = writeln!(stdout, "{line}");
        }
    };
    let report = match predicted {
        // The prediction already carried the plan out in memory: its progress lines, then the
        // commit.
        Some(predicted) => {
            print_lines(&predicted.log);
            plcli_engine::commit(&s.ws, &mut s.state, &mut s.world, predicted)
        }
        None => plcli_engine::apply(&s.ws, &s.loaded, &mut s.state, &mut s.world, &planned.plan, &planned.prior, &mut log),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    report_apply(s, report, ui, destroy)
}

/// Prints what an apply did, and its exit code.
fn report_apply(s: &Session, report: plcli_engine::ApplyReport, ui: &Ui, destroy: bool) -> u8 {
    ui.print_diagnostics(&report.diags.clone().sorted(), &s.loaded.sources);
    if report.diags.has_errors() {
        println!(
            "\nApply stopped with errors: {} added, {} changed, {} destroyed; the state records what completed.",
            report.added, report.changed, report.destroyed
        );
        return 1;
    }
    if destroy {
        println!("\nDestroy complete! Resources: {} destroyed.", report.destroyed);
    } else {
        println!("\nApply complete! Resources: {} added, {} changed, {} destroyed.", report.added, report.changed, report.destroyed);
        if !s.state.outputs.is_empty() {
            println!("\nOutputs:\n");
            for (k, o) in &s.state.outputs {
                let v = if o.sensitive { "<sensitive>".to_string() } else { plcli_plan::render_value(&o.value, 0) };
                println!("{k} = {v}");
            }
        }
    }
    0
}

pub fn run_apply(global: &GlobalArgs, args: &ApplyArgs, ui: &Ui) -> u8 {
    let mut s = match open(global, args.lock_timeout, "apply", true, ui) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (planned, from_file, rendered) = match &args.plan_file {
        Some(path) => match saved_plan(&mut s, path) {
            Ok(p) => (p, true, None),
            Err(d) => return fail(ui, &d.into(), &s.loaded.sources),
        },
        None => {
            let (p, rendered) =
                make_rendered_plan(&mut s, &PlanOptions { refresh: true, predict: true, commit: true, ..PlanOptions::default() });
            (p, false, rendered)
        }
    };
    ui.print_diagnostics(&planned.diags.clone().sorted(), &s.loaded.sources);
    if planned.diags.has_errors() {
        return 1;
    }
    let mut planned = planned;
    if !from_file && args.auto_approve && planned.predicted.is_some() {
        // Nothing to ask: the new world and state are written while the plan and the
        // prediction's progress lines are printed.
        let Some(mut predicted) = planned.predicted.take() else { return 1 };
        let log = std::mem::take(&mut predicted.log);
        let ws = &s.ws;
        let temps = std::thread::scope(|sc| {
            let writing = sc.spawn(|| plcli_engine::prepare_commit(ws, &mut predicted));
            print_rendered_plan(&planned.plan, rendered);
            println!();
            print_lines(&log);
            writing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let report = plcli_engine::finish_commit(&s.ws, &mut s.state, &mut s.world, predicted, temps);
        return report_apply(&s, report, ui, false);
    }
    if !from_file {
        print_rendered_plan(&planned.plan, rendered);
        if planned.plan.has_changes() {
            match confirm(args.auto_approve, "Do you want to perform these actions?") {
                Ok(true) => {}
                Ok(false) => {
                    println!("\nApply cancelled.");
                    return 1;
                }
                Err(m) => {
                    eprintln!("Error: {m}");
                    return 1;
                }
            }
        }
    }
    println!();
    let destroy = planned.plan.destroy;
    execute(&mut s, planned, ui, destroy)
}

pub fn run_destroy(global: &GlobalArgs, args: &DestroyArgs, ui: &Ui) -> u8 {
    let mut s = match open(global, args.lock_timeout, "destroy", true, ui) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let planned = make_plan(&mut s, &PlanOptions { destroy: true, refresh: true, ..PlanOptions::default() });
    ui.print_diagnostics(&planned.diags.clone().sorted(), &s.loaded.sources);
    if planned.diags.has_errors() {
        return 1;
    }
    print_plan(&planned.plan);
    if planned.plan.has_changes() {
        match confirm(args.auto_approve, "Do you really want to destroy all resources?") {
            Ok(true) => {}
            Ok(false) => {
                println!("\nDestroy cancelled.");
                return 1;
            }
            Err(m) => {
                eprintln!("Error: {m}");
                return 1;
            }
        }
    }
    println!();
    execute(&mut s, planned, ui, true)
}

/// Reads a saved plan, refuses it when the state moved on, and re-derives it against the
/// same state without refreshing; the actions must be the ones saved.
fn saved_plan(s: &mut Session, path: &Path) -> Result<ManuallyDrop<Planned>, Diagnostic> {
    let bad = |m: String| Diagnostic::error("invalid_plan_file", format!("Cannot use plan file {}", path.display())).with_detail(m);
    let text = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let j: serde_json::Value = serde_json::from_slice(&text).map_err(|e| bad(format!("not a plcli plan file: {e}")))?;
    if j.get("plcli_plan_version").and_then(|v| v.as_u64()) != Some(1) {
        return Err(bad("not a plcli plan file (no plcli_plan_version 1)".into()));
    }
    let lineage = j.get("lineage").and_then(|v| v.as_str()).unwrap_or("");
    let serial = j.get("serial").and_then(|v| v.as_u64()).unwrap_or(u64::MAX);
    if lineage != s.state.lineage && !(serial == 0 && s.state.serial == 0) || serial != s.state.serial {
        return Err(Diagnostic::error("saved_plan_stale", "Saved plan is stale")
            .with_detail(format!("The plan was made against state serial {serial} (lineage {lineage}), but the state is now at serial {} (lineage {}). Something was applied after the plan was saved.", s.state.serial, s.state.lineage))
            .with_help("run plcli plan again"));
    }
    let strings = |k: &str| -> Vec<String> {
        j.get(k).and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    if let Some(vars) = j.get("variables").and_then(|v| v.as_object()) {
        for (k, v) in vars {
            if let Some(decl) = s.loaded.module.variables.get(k) {
                if let Ok(val) = decl.ty.convert(&plcli_lang::Value::from_json(v)) {
                    s.loaded.vars.values.insert(k.clone(), val);
                }
            }
        }
    }
    let opts = PlanOptions {
        destroy: j.get("destroy").and_then(|v| v.as_bool()).unwrap_or(false),
        targets: strings("targets"),
        replace: strings("replace"),
        refresh: false,
        predict: true,
        commit: true,
        values_only: false,
    };
    let planned = make_plan(s, &opts);
    let saved: Vec<(String, Vec<String>)> = j
        .get("changes")
        .and_then(|c| c.as_array())
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["address"].as_str().unwrap_or("").to_string(),
                        c["actions"]
                            .as_array()
                            .map(|x| x.iter().filter_map(|y| y.as_str().map(str::to_string)).collect())
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let now: Vec<(String, Vec<String>)> =
        planned.plan.changes.iter().map(|c| (c.address.clone(), c.action.actions().into_iter().map(str::to_string).collect())).collect();
    if saved != now {
        return Err(Diagnostic::error("saved_plan_stale", "Saved plan no longer matches the configuration")
            .with_detail("The configuration (or the variables) changed since the plan was saved, so the saved actions are not the ones plcli would now take.")
            .with_help("run plcli plan again"));
    }
    Ok(planned)
}
