//! Apply: carry out a plan on the world, durably, in dependency order.

use std::collections::{BTreeMap, BTreeSet};

// Keys here are short strings and tuples hashed many times per resource: Fx hashing, not
// SipHash (no untrusted input picks them to collide).
use rustc_hash::FxHashMap as HashMap;

use plcli_aws::BlockSchema;
use plcli_graph::{walk_scheduled, walk_with, InstanceHook, InstanceRecord, Schedule, WalkContext, WalkMode, WalkOptions};
use plcli_lang::Value;
use plcli_plan::{Action, Plan};
use plcli_sim::World;
use plcli_state::{InstanceState, Journal, OutputState, State};
use plcli_syntax::{Diagnostic, Diagnostics};
use serde_json::{json, Value as Json};

use crate::plan::{index_json, module_address, Prior};
use crate::workspace::{Loaded, Workspace};

/// What an apply did.
#[derive(Debug, Default)]
pub struct ApplyReport {
    pub diags: Diagnostics,
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    /// Operations the simulated API refused.
    pub failures: Vec<Failure>,
}

/// One refused operation: the instance, the AWS error, and its planned configuration.
#[derive(Debug, Clone)]
pub struct Failure {
    pub address: String,
    pub ty: String,
    pub code: String,
    pub message: String,
    pub config: Value,
}

/// An instance as a journal record lays it out (what [`instance_from_json`] reads).
struct InstanceRecordOut<'a>(&'a InstanceState);

impl serde::Serialize for InstanceRecordOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let i = self.0;
        let mut m = s.serialize_map(Some(9))?;
        m.serialize_entry("module", &i.module)?;
        m.serialize_entry("mode", &i.mode)?;
        m.serialize_entry("type", &i.ty)?;
        m.serialize_entry("name", &i.name)?;
        m.serialize_entry("index_key", &i.index_key)?;
        m.serialize_entry("provider", &i.provider)?;
        m.serialize_entry("attributes", &i.attributes)?;
        m.serialize_entry("dependencies", &i.dependencies)?;
        m.serialize_entry("create_before_destroy", &i.create_before_destroy)?;
        m.end()
    }
}

/// One journal record: the objects an operation touched (null: gone), the world's small
/// parts with the new events, and the state instances it changed (null: removed).
struct JournalRecord<'a> {
    world: &'a World,
    touched: &'a BTreeSet<String>,
    meta: Json,
    state: &'a [(String, Option<&'a InstanceState>)],
}

impl serde::Serialize for JournalRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Objects<'a>(&'a World, &'a BTreeSet<String>);
        impl serde::Serialize for Objects<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.1.iter().map(|id| (id, self.0.object_file(id))))
            }
        }
        struct Instances<'a>(&'a [(String, Option<&'a InstanceState>)]);
        impl serde::Serialize for Instances<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(a, i)| (a, i.map(InstanceRecordOut))))
            }
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("world", &Objects(self.world, self.touched))?;
        m.serialize_entry("meta", &self.meta)?;
        m.serialize_entry("state", &Instances(self.state))?;
        m.end()
    }
}

pub(crate) fn instance_from_json(j: &Json) -> Option<InstanceState> {
    let s = |k: &str| j.get(k).and_then(Json::as_str).map(str::to_string);
    Some(InstanceState {
        module: s("module")?,
        mode: s("mode")?,
        ty: s("type")?,
        name: s("name")?,
        index_key: j.get("index_key").cloned().unwrap_or(Json::Null),
        provider: s("provider")?,
        attributes: Value::from_json(j.get("attributes")?),
        dependencies: j
            .get("dependencies")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        create_before_destroy: j.get("create_before_destroy").and_then(Json::as_bool).unwrap_or(false),
    })
}

/// Records world and state changes of one operation in the journal (none for in-memory
/// applies, e.g. `verify --planned`).
struct Recorder<'a> {
    journal: Option<Journal>,
    events_from: usize,
    crash_after: Option<usize>,
    written: usize,
    /// Where progress lines go; `None` when nobody reads them (a plan's prediction), so
    /// that they are not even formatted.
    log: Option<&'a mut dyn FnMut(&str)>,
}

impl Recorder<'_> {
    fn log(&mut self, line: std::fmt::Arguments<'_>) {
        if let Some(log) = self.log.as_mut() {
            log(&line.to_string());
        }
    }

    fn record(&mut self, world: &mut World, state_changes: Vec<(String, Option<&InstanceState>)>) -> std::io::Result<()> {
        let touched = world.take_touched();
        self.written += 1;
        if let Some(journal) = self.journal.as_mut() {
            let meta = world.meta_since(self.events_from);
            journal.record(&JournalRecord { world, touched: &touched, meta, state: &state_changes })?;
            self.events_from = world.events.len();
        }
        if self.crash_after == Some(self.written) {
            // Test hook: die like `kill -9` right after this operation (and its record).
            if let Some(journal) = self.journal.as_mut() {
                journal.sync()?;
            }
            std::process::abort();
        }
        Ok(())
    }
}

/// Where an apply finds each instance's planned change.
pub(crate) enum Changes<'a> {
    /// A complete plan.
    Plan(HashMap<&'a str, &'a plcli_plan::ResourceChange>, &'a Plan),
    /// The changes as a plan's walk decides them (the plan and its prediction run side by side).
    Stream(Box<Stream<'a>>),
}

/// A message from a plan's walk to the prediction running beside it.
pub(crate) enum Msg {
    /// The world to predict on, sent before the first change that is not a no-op (or before
    /// `End` when only deletions change anything): a plan without changes copies nothing.
    Start(Box<World>),
    /// Instances' planned actions, and their planned values for updates (in batches: waking
    /// the other thread for each one would cost more than the change).
    Changes(Vec<(String, Action, Option<Value>)>),
    /// The plan is complete: the addresses it deletes, or `None` when its prediction is not
    /// wanted after all (errors, or nothing to change).
    End(Option<Vec<String>>),
}

/// The receiving end of a plan's changes. The prediction walks the same schedule as the plan,
/// so the change it asks for next is nearly always the next one the plan sends; any other
/// arrives in `pending` until asked for.
pub(crate) struct Stream<'a> {
    pub rx: std::sync::mpsc::Receiver<Msg>,
    /// Set by the plan before `End(None)`: stop walking.
    pub cancel: &'a std::sync::atomic::AtomicBool,
    /// What the plan's refresh found gone from the world.
    pub drift_deleted: Vec<String>,
    pending: HashMap<String, (Action, Option<Value>)>,
    end: Option<Option<Vec<String>>>,
    world: Option<World>,
}

impl<'a> Stream<'a> {
    pub fn new(rx: std::sync::mpsc::Receiver<Msg>, cancel: &'a std::sync::atomic::AtomicBool, drift_deleted: Vec<String>) -> Self {
        Stream { rx, cancel, drift_deleted, pending: HashMap::default(), end: None, world: None }
    }

    /// Takes one more message; false when no more will come.
    fn recv(&mut self) -> bool {
        if self.end.is_some() {
            return false;
        }
        match self.rx.recv() {
            Ok(Msg::Start(world)) => {
                self.world = Some(*world);
                true
            }
            Ok(Msg::Changes(batch)) => {
                self.pending.extend(batch.into_iter().map(|(addr, action, after)| (addr, (action, after))));
                true
            }
            Ok(Msg::End(deletes)) => {
                self.end = Some(deletes);
                false
            }
            Err(_) => {
                self.end = Some(None);
                false
            }
        }
    }

    /// Waits until there is something to predict (the plan has a change that is not a no-op)
    /// and returns the world to predict on; `None` when the prediction is not wanted, so that
    /// a plan without changes costs no copy of the world and no second walk.
    pub fn wait_for_work(&mut self) -> Option<World> {
        while self.world.is_none() && self.recv() {}
        self.world.take().filter(|_| !self.cancel.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn take(&mut self, addr: &str) -> Option<(Action, Option<Value>)> {
        loop {
            if let Some(c) = self.pending.remove(addr) {
                return Some(c);
            }
            if !self.recv() {
                return None;
            }
        }
    }

    fn deletes(&mut self) -> Vec<String> {
        while self.recv() {}
        self.end.take().flatten().unwrap_or_default()
    }
}

impl Changes<'_> {
    /// The planned action of the instance at `addr`, and its planned value for an update.
    fn take(&mut self, addr: &str) -> Option<(Action, Option<Value>)> {
        match self {
            Changes::Plan(by_addr, _) => {
                by_addr.get(addr).map(|c| (c.action, if c.action == Action::Update { c.after.clone() } else { None }))
            }
            Changes::Stream(s) => s.take(addr),
        }
    }

    fn stopped(&self) -> bool {
        match self {
            Changes::Plan(..) => false,
            Changes::Stream(s) => s.cancel.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    fn destroy(&self) -> bool {
        matches!(self, Changes::Plan(_, p) if p.destroy)
    }

    fn drift_deleted(&self) -> Vec<&str> {
        match self {
            Changes::Plan(_, p) => deleted_addresses(&p.drift).collect(),
            Changes::Stream(s) => s.drift_deleted.iter().map(String::as_str).collect(),
        }
    }

    /// The addresses the plan deletes (for a stream, once the plan is complete).
    fn deletes(&mut self) -> Vec<String> {
        match self {
            Changes::Plan(_, p) => deleted_addresses(&p.changes).map(str::to_string).collect(),
            Changes::Stream(s) => s.deletes(),
        }
    }
}

/// The addresses of the deletions among `changes` (a plan's changes, or its drift).
pub(crate) fn deleted_addresses(changes: &[plcli_plan::ResourceChange]) -> impl Iterator<Item = &str> {
    changes.iter().filter(|c| c.action == Action::Delete).map(|c| c.address.as_str())
}

impl<'a> Changes<'a> {
    pub(crate) fn of(plan: &'a Plan) -> Self {
        Changes::Plan(plan.changes.iter().map(|c| (c.address.as_str(), c)).collect(), plan)
    }
}

struct ApplyHook<'a, 'b> {
    base_dir: std::path::PathBuf,
    plan: Changes<'a>,
    prior: &'a Prior,
    world: &'a mut World,
    state: &'a mut State,
    rec: &'a mut Recorder<'b>,
    failed: BTreeSet<String>,
    diags: Diagnostics,
    report: ApplyReport,
    azs_registered: bool,
    /// A plan's forecast: only refusals matter, so no state is kept.
    forecast: bool,
}

fn api_diag(r: &InstanceRecord, verb: &str, e: &plcli_sim::ApiError) -> Diagnostic {
    Diagnostic::error("api_error", format!("{}: {}", e.code, e.message))
        .with_span(r.span)
        .with_detail(format!("while {verb} {} (AWS error code {})", r.address, e.code))
        .with_label(format!("{} is declared here", r.address))
}

impl ApplyHook<'_, '_> {
    fn store(&mut self, r: &InstanceRecord, attrs: Value) {
        if self.forecast {
            // Nobody reads a forecast's state; what the world touched is not recorded either.
            self.world.take_touched();
            return;
        }
        let inst = InstanceState {
            module: module_address(r),
            mode: if r.mode == plcli_config::ResourceMode::Data { "data".into() } else { "managed".into() },
            ty: r.ty.clone(),
            name: r.name.clone(),
            index_key: index_json(&r.key),
            provider: crate::provider_string(&r.provider, &r.ty),
            attributes: attrs,
            dependencies: r.depends_on.iter().cloned().collect(),
            create_before_destroy: r.create_before_destroy,
        };
        self.state.instances.insert(r.address.clone(), inst);
        let stored = self.state.instances.get(&r.address);
        if let Err(e) = self.rec.record(self.world, vec![(r.address.clone(), stored)]) {
            self.diags.push(Diagnostic::error("journal_write_failed", "Cannot write the apply journal").with_detail(e.to_string()));
        }
    }

    fn fail(&mut self, r: &InstanceRecord, d: Diagnostic, e: Option<&plcli_sim::ApiError>) {
        self.diags.push(d);
        self.failed.insert(r.resource_address.clone());
        if let Some(e) = e {
            self.report.failures.push(Failure {
                address: r.address.clone(),
                ty: r.ty.clone(),
                code: e.code.clone(),
                message: e.message.clone(),
                config: r.config.clone(),
            });
        }
    }
}

impl InstanceHook for ApplyHook<'_, '_> {
    fn keep_instances(&self) -> bool {
        // Only the outputs of this walk are used.
        false
    }

    fn stop(&self) -> bool {
        self.plan.stopped()
    }

    fn instance_value(&mut self, r: &mut InstanceRecord, schema: Option<&BlockSchema>, ctx: &WalkContext) -> Value {
        if !self.azs_registered {
            self.azs_registered = true;
            for (acct, a) in &ctx.simulation.accounts {
                let _ = self.world.register_azs(acct, &a.az_ids);
            }
        }
        let prior = self.prior.get(r.address.as_str()).cloned();
        let Some((action, planned_after)) = self.plan.take(r.address.as_str()) else {
            return prior.unwrap_or(Value::Unknown);
        };
        // A dependency failed: skip this one too (its dependents in turn).
        let static_res = r.depends_on.iter().any(|d| self.failed.iter().any(|f| plcli_state::strip_instance_keys(f) == *d));
        if static_res {
            self.failed.insert(r.resource_address.clone());
            return prior.unwrap_or(Value::Unknown);
        }
        let caller = ctx.callers.get(&r.provider).map(|c| crate::sim_caller(c, &ctx.simulation)).unwrap_or_else(|| {
            let d = plcli_graph::default_caller(&ctx.simulation);
            crate::sim_caller(&d, &ctx.simulation)
        });
        match action {
            Action::NoOp => prior.unwrap_or_else(|| r.config.clone()),
            Action::Read => {
                if schema.is_none() {
                    return Value::Unknown;
                }
                self.rec.log(format_args!("{}: Reading...", r.address));
                let read = if r.ty == "terraform_remote_state" {
                    crate::plan::remote_state(&r.config, &self.base_dir).map_err(|m| plcli_sim::ApiError::new("RemoteStateError", m))
                } else {
                    self.world.read_data(&caller, &r.ty, &r.config)
                };
                match read {
                    Ok(v) => {
                        let id = v.get_attr("id").and_then(Value::as_str).unwrap_or("");
                        self.rec.log(format_args!("{}: Read complete after 0s [id={id}]", r.address));
                        self.store(r, v.clone());
                        v
                    }
                    Err(e) => {
                        let d = api_diag(r, "reading", &e);
                        self.fail(r, d, Some(&e));
                        Value::Unknown
                    }
                }
            }
            Action::Create | Action::DeleteCreate | Action::CreateDelete => {
                let old_id = prior.as_ref().and_then(|p| p.get_attr("id")).and_then(Value::as_str).map(str::to_string);
                if action == Action::DeleteCreate {
                    if let Some(id) = &old_id {
                        self.rec.log(format_args!("{}: Destroying... [id={id}]", r.address));
                        if let Err(e) = self.world.delete(&caller, &r.ty, id) {
                            let d = api_diag(r, "destroying", &e);
                            self.fail(r, d, Some(&e));
                            return prior.unwrap_or(Value::Unknown);
                        }
                        self.state.instances.remove(&r.address);
                        let _ = self.rec.record(self.world, vec![(r.address.clone(), None)]);
                        self.rec.log(format_args!("{}: Destruction complete after 0s", r.address));
                        self.report.destroyed += 1;
                    }
                }
                self.rec.log(format_args!("{}: Creating...", r.address));
                // A forecast reports a refusal without the configuration: take it.
                let created = if self.forecast {
                    self.world.create_owned(&caller, &r.ty, std::mem::take(&mut r.config))
                } else {
                    self.world.create(&caller, &r.ty, &r.config)
                };
                match created {
                    Ok(attrs) => {
                        let id = attrs.get_attr("id").and_then(Value::as_str).unwrap_or("");
                        self.rec.log(format_args!("{}: Creation complete after 0s [id={id}]", r.address));
                        self.store(r, attrs.clone());
                        self.report.added += 1;
                        if action == Action::CreateDelete {
                            if let Some(old) = &old_id {
                                self.rec.log(format_args!("{}: Destroying... [id={old}]", r.address));
                                match self.world.delete(&caller, &r.ty, old) {
                                    Ok(()) => {
                                        let _ = self.rec.record(self.world, vec![]);
                                        self.rec.log(format_args!("{}: Destruction complete after 0s", r.address));
                                        self.report.destroyed += 1;
                                    }
                                    Err(e) => {
                                        let d = api_diag(r, "destroying the replaced", &e);
                                        self.diags.push(d);
                                    }
                                }
                            }
                        }
                        attrs
                    }
                    Err(e) => {
                        let d = api_diag(r, "creating", &e);
                        self.fail(r, d, Some(&e));
                        Value::Unknown
                    }
                }
            }
            Action::Update => {
                let id = prior.as_ref().and_then(|p| p.get_attr("id")).and_then(Value::as_str).unwrap_or("").to_string();
                self.rec.log(format_args!("{}: Modifying... [id={id}]", r.address));
                let mut config = r.config.clone();
                // Unset optional+computed values keep what the object has.
                if let (Some(Value::Object(planned)), Value::Object(c)) = (planned_after.as_ref(), &mut config) {
                    for (k, v) in planned {
                        if !r.configured.iter().any(|c| c == k) && !v.is_unknown() {
                            c.insert(k.clone(), v.clone());
                        }
                    }
                }
                match self.world.update(&caller, &r.ty, &id, &config) {
                    Ok(attrs) => {
                        self.rec.log(format_args!("{}: Modifications complete after 0s [id={id}]", r.address));
                        self.store(r, attrs.clone());
                        self.report.changed += 1;
                        attrs
                    }
                    Err(e) => {
                        let d = api_diag(r, "updating", &e);
                        self.fail(r, d, Some(&e));
                        prior.unwrap_or(Value::Unknown)
                    }
                }
            }
            Action::Delete => prior.unwrap_or(Value::Unknown),
        }
    }
}

/// Carries out `plan` (SPEC §4 `apply`): creates and updates in dependency order through a
/// walk of the configuration, then deletions in reverse dependency order; each operation is
/// journalled before its dependents start; at the end the journal is compacted into the state
/// and world files. `log` receives Terraform-style progress lines. (A plan made with
/// [`crate::PlanOptions::commit`] is carried out by [`commit`] instead, without a second walk.)
pub fn apply(
    ws: &Workspace,
    loaded: &Loaded,
    state: &mut State,
    world: &mut World,
    plan: &Plan,
    prior: &Prior,
    log: &mut dyn FnMut(&str),
) -> ApplyReport {
    apply_inner(Durability::Journal(ws), loaded, state, world, Changes::of(plan), prior, None, Some(log))
}

/// Applies a plan to in-memory copies only: no journal, no files (`verify --planned`).
pub fn apply_in_memory(loaded: &Loaded, state: &mut State, world: &mut World, plan: &Plan, prior: &Prior) -> ApplyReport {
    apply_inner(Durability::InMemory, loaded, state, world, Changes::of(plan), prior, None, None)
}

/// How an apply's operations are recorded.
#[derive(Clone, Copy)]
pub(crate) enum Durability<'a> {
    /// Not at all (`verify --planned`).
    InMemory,
    /// Not at all, and only what the API refuses matters: a plan's prediction, whose state
    /// and world nobody reads. No state is kept.
    Forecast,
    /// In the workspace's journal as they complete; the journal is compacted at the end
    /// (`destroy`, and `apply` of a plan without a prediction).
    Journal(&'a Workspace),
    /// In memory, to be committed by [`commit`] in one step (`apply`'s prediction). Nothing
    /// is written; the crash test hook counts its operations all the same.
    Deferred,
}

/// The key of the journal record that commits an apply.
pub(crate) const COMMIT: &str = "commit";

/// What an apply's prediction produced: the state and world after every operation, its report
/// and progress lines.
pub struct Predicted {
    pub state: State,
    pub world: World,
    pub report: ApplyReport,
    pub log: Vec<String>,
    /// Made for a plan only (`commit: false`): its refusals are what matters; it keeps no
    /// state, and is never committed.
    pub forecast: bool,
}

/// Carries out a predicted apply. The simulation is deterministic, so the prediction already
/// is what a second walk would do, operation by operation, in memory; committing it is one
/// atomic step: the new world and state are written to temporary files, a commit record
/// naming them goes to the journal (from then on a crash is finished by the next command),
/// and they are renamed into place. Killed at any point, the root has either none of the
/// apply or all of it.
pub fn commit(ws: &Workspace, state: &mut State, world: &mut World, mut predicted: Predicted) -> ApplyReport {
    let temps = prepare_commit(ws, &mut predicted);
    finish_commit(ws, state, world, predicted, temps)
}

/// The first half of [`commit`], which changes nothing the root's readers see: the new world
/// and state (serial + 1) are written to temporary files beside the real ones. It may run
/// while the plan and the progress lines are printed.
pub fn prepare_commit(
    ws: &Workspace,
    predicted: &mut Predicted,
) -> Result<(std::path::PathBuf, std::path::PathBuf), crate::WorkspaceError> {
    if predicted.forecast {
        return Err(crate::WorkspaceError(Diagnostic::error("internal_error", "A plan's forecast cannot be applied")));
    }
    predicted.state.serial += 1;
    ws.write_temps(&predicted.state, &predicted.world)
}

/// The second half of [`commit`]: the commit record, then the renames.
pub fn finish_commit(
    ws: &Workspace,
    state: &mut State,
    world: &mut World,
    predicted: Predicted,
    temps: Result<(std::path::PathBuf, std::path::PathBuf), crate::WorkspaceError>,
) -> ApplyReport {
    let Predicted { state: new_state, world: new_world, mut report, .. } = predicted;
    let (world_tmp, state_tmp) = match temps {
        Ok(t) => t,
        Err(e) => {
            report.diags.push(e.0.with_help("nothing was applied"));
            return report;
        }
    };
    let name = |p: &std::path::Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let committed = Journal::open(&ws.journal_path()).and_then(|mut j| {
        j.record(&json!({ COMMIT: true, "world_tmp": name(&world_tmp), "state_tmp": name(&state_tmp) }))?;
        j.sync()
    });
    if let Err(e) = committed {
        let _ = std::fs::remove_file(&world_tmp);
        let _ = std::fs::remove_file(&state_tmp);
        let _ = std::fs::remove_file(ws.journal_path());
        report.diags.push(
            Diagnostic::error("journal_write_failed", format!("Cannot commit the apply journal {}", ws.journal_path().display()))
                .with_detail(format!("{e}; nothing was applied")),
        );
        return report;
    }
    if std::env::var("PLCLI_TEST_CRASH_AFTER").is_ok_and(|v| v == COMMIT) {
        // Test hook: die like `kill -9` right after the commit record.
        std::process::abort();
    }
    *state = new_state;
    *world = new_world;
    match ws.install_temps(&world_tmp, &state_tmp) {
        Ok(()) => {
            let _ = std::fs::remove_file(ws.journal_path());
        }
        // The journal stays: the next command finishes the renames.
        Err(e) => report.diags.push(e.0),
    }
    report
}

/// Writes the world and the state (serial + 1) and removes the journal they came from (kept
/// when they cannot be written: the next command replays it).
fn compact(ws: &Workspace, state: &mut State, world: &World, report: &mut ApplyReport) {
    state.serial += 1;
    match ws.write_state_and_world(state, world) {
        Ok(()) => {
            let _ = std::fs::remove_file(ws.journal_path());
        }
        Err(e) => report.diags.push(e.0),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn apply_inner(
    durability: Durability,
    loaded: &Loaded,
    state: &mut State,
    world: &mut World,
    plan: Changes<'_>,
    prior: &Prior,
    schedule: Option<&Schedule>,
    log: Option<&mut dyn FnMut(&str)>,
) -> ApplyReport {
    let forecast = matches!(durability, Durability::Forecast);
    let (ws, deferred) = match durability {
        Durability::InMemory | Durability::Forecast => (None, false),
        Durability::Journal(ws) => (Some(ws), false),
        Durability::Deferred => (None, true),
    };
    let journal = match ws.map(|ws| Journal::open(&ws.journal_path())) {
        None => None,
        Some(Ok(j)) => Some(j),
        Some(Err(e)) => {
            let path = ws.map(|w| w.journal_path().display().to_string()).unwrap_or_default();
            return ApplyReport {
                diags: Diagnostic::error("journal_write_failed", format!("Cannot create the apply journal {path}"))
                    .with_detail(e.to_string())
                    .into(),
                ..ApplyReport::default()
            };
        }
    };
    let crash_after =
        (ws.is_some() || deferred).then(|| std::env::var("PLCLI_TEST_CRASH_AFTER").ok().and_then(|v| v.parse().ok())).flatten();
    world.take_touched();
    let mut rec = Recorder { journal, events_from: world.events.len(), crash_after, written: 0, log };
    // The refreshed view is what the plan was made against: take it as the starting state.
    for (addr, attributes) in prior {
        if let Some(cur) = state.instances.get_mut(addr) {
            cur.attributes = attributes.clone();
        }
    }
    for addr in plan.drift_deleted() {
        state.instances.remove(addr);
    }
    let destroy = plan.destroy();
    let mut report;
    let mut outputs = BTreeMap::new();
    {
        let mut hook = ApplyHook {
            base_dir: loaded.module.dir.clone(),
            plan,
            prior,
            world,
            state,
            rec: &mut rec,
            failed: BTreeSet::new(),
            diags: Diagnostics::new(),
            report: ApplyReport::default(),
            azs_registered: false,
            forecast,
        };
        if !destroy {
            let wopts = WalkOptions { mode: WalkMode::Plan, vars: &loaded.vars, root_dir: loaded.module.dir.clone() };
            let (eval, walk_diags) = match schedule {
                Some(sched) => walk_with(&loaded.module, &wopts, &mut hook, sched),
                None => walk_scheduled(&loaded.module, &wopts, &mut hook, &mut None),
            };
            hook.diags.extend(walk_diags.into_iter().filter(|d| d.is_error()).collect::<Vec<_>>().into_iter().fold(
                Diagnostics::new(),
                |mut acc, d| {
                    acc.push(d);
                    acc
                },
            ));
            outputs = eval.outputs;
        }
        // Deletions, dependents first.
        let deletes = hook.plan.deletes();
        let order = delete_order(&deletes, hook.state);
        for addr in order {
            let Some(inst) = hook.state.instances.get(addr).cloned() else { continue };
            let id = inst.id().unwrap_or("").to_string();
            hook.rec.log(format_args!("{}: Destroying... [id={id}]", addr));
            let key = provider_key(&inst.provider);
            let caller = match_caller(&key, &loaded.module, hook.world, &inst);
            match hook.world.delete(&caller, &inst.ty, &id) {
                Ok(()) => {
                    hook.state.instances.remove(addr);
                    let _ = hook.rec.record(hook.world, vec![(addr.to_string(), None)]);
                    hook.rec.log(format_args!("{}: Destruction complete after 0s", addr));
                    hook.report.destroyed += 1;
                }
                Err(e) => hook.diags.push(
                    Diagnostic::error("api_error", format!("{}: {}", e.code, e.message))
                        .with_detail(format!("while destroying {} (AWS error code {})", addr, e.code)),
                ),
            }
        }
        // AWS re-checks pending private DNS verifications periodically.
        hook.world.recheck_pending_verifications();
        // Later operations change earlier objects (an accepter makes an endpoint available,
        // a verification verifies a service): record what the world now says.
        let mut refreshed = Vec::new();
        for (addr, inst) in hook.state.instances.iter_mut() {
            if inst.mode != "managed" {
                continue;
            }
            if let Some(now) = inst.id().and_then(|id| hook.world.read(&inst.ty, id)) {
                if !plcli_plan::values_equal(&now, &inst.attributes) {
                    inst.attributes = now;
                    refreshed.push(addr.clone());
                }
            }
        }
        let changed: Vec<(String, Option<&InstanceState>)> = refreshed.iter().map(|a| (a.clone(), hook.state.instances.get(a))).collect();
        let _ = hook.rec.record(hook.world, changed);
        report = std::mem::take(&mut hook.report);
        report.diags = std::mem::take(&mut hook.diags);
    }
    // Data sources no longer in the configuration leave the state.
    if destroy {
        state.instances.retain(|_, i| i.mode != "data");
        state.outputs.clear();
    } else {
        state.outputs = outputs
            .into_iter()
            .filter(|(_, (v, _))| v.is_wholly_known())
            .map(|(k, (v, s))| (k, OutputState { value: v, sensitive: s }))
            .collect();
    }
    let Some(ws) = ws else { return report };
    if let Some(j) = rec.journal.as_mut() {
        if let Err(e) = j.sync() {
            report.diags.push(Diagnostic::error("journal_write_failed", "Cannot write the apply journal").with_detail(e.to_string()));
        }
    }
    compact(ws, state, world, &mut report);
    report
}

fn provider_key(provider: &str) -> String {
    // provider["registry.terraform.io/hashicorp/aws"].alias → aws.alias
    let alias = provider.rsplit_once("\"].").map(|(_, a)| a.to_string());
    let name = provider.split('/').next_back().and_then(|s| s.split('"').next()).unwrap_or("aws").to_string();
    match alias {
        Some(a) => format!("{name}.{a}"),
        None => name,
    }
}

/// The caller for deleting an object: the account that owns it (as AWS requires), acting
/// as its root.
fn match_caller(_key: &str, _module: &plcli_config::Module, world: &World, inst: &InstanceState) -> plcli_sim::Caller {
    let (account, region) = inst
        .id()
        .and_then(|id| world.get(id))
        .map(|o| (o.account.clone(), o.region.clone()))
        .unwrap_or_else(|| ("123456789012".into(), "us-east-1".into()));
    plcli_sim::Caller {
        principal: format!("arn:aws:iam::{account}:root"),
        account,
        region,
        default_tags: BTreeMap::new(),
        quotas: BTreeMap::new(),
    }
}

/// Deletions ordered so that an object goes before what it depends on.
///
/// A state instance depends on resources (as Terraform records it), so every instance of a
/// resource waits for every deleted instance that depends on that resource: the counting is
/// done per resource, not per pair of instances (which was quadratic for `for_each`
/// resources). Among instances that may go, the smallest address goes first.
fn delete_order<'a>(deletes: &'a [String], state: &State) -> Vec<&'a str> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let addrs: BTreeSet<&str> = deletes.iter().map(String::as_str).collect();
    // Static resource address → the instances being deleted.
    let mut by_res: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for a in &addrs {
        by_res.entry(plcli_state::strip_instance_keys(a)).or_default().push(a);
    }
    // The deleted resources each instance depends on (each a resource whose deleted
    // instances go after it), and per resource how many deleted instances still wait on it.
    let mut deps_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &addrs {
        let deps: Vec<&str> = state
            .instances
            .get(*a)
            .map(|i| i.dependencies.iter().filter_map(|d| by_res.get_key_value(d.as_str()).map(|(k, _)| k.as_str())).collect())
            .unwrap_or_default();
        for d in &deps {
            // An instance does not wait for itself.
            if by_res[*d] != [*a] {
                *waiting.entry(d).or_default() += 1;
            }
        }
        deps_of.insert(a, deps);
    }
    let mut ready: BinaryHeap<Reverse<&str>> = BinaryHeap::new();
    for (res, instances) in &by_res {
        if waiting.get(res.as_str()).copied().unwrap_or(0) == 0 {
            ready.extend(instances.iter().map(|a| Reverse(*a)));
        }
    }
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    while let Some(Reverse(a)) = ready.pop() {
        if !done.insert(a) {
            continue;
        }
        out.push(a);
        for d in deps_of.get(a).map(Vec::as_slice).unwrap_or_default() {
            if by_res[*d] == [a] {
                continue;
            }
            if let Some(n) = waiting.get_mut(d) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    ready.extend(by_res[*d].iter().map(|i| Reverse(*i)));
                }
            }
        }
    }
    // Anything left (a dependency cycle in state) goes last, in address order.
    for a in &addrs {
        if !done.contains(a) {
            out.push(a);
        }
    }
    out
}
