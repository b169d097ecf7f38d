//! Refresh and plan.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use plcli_aws::BlockSchema;
use plcli_graph::{
    walk_scheduled, walk_with, Evaluation, InstanceHook, InstanceKey, InstanceRecord, Schedule, WalkContext, WalkMode, WalkOptions,
};
use plcli_lang::Value;
use plcli_plan::{diff, values_equal, Action, OutputChange, Plan, ResourceChange};
use plcli_sim::World;
use plcli_state::{InstanceState, State};
use plcli_syntax::{Diagnostic, Diagnostics};
use serde_json::Value as Json;

/// The refreshed attributes of every instance in the prior state that still exists, by
/// address: what the plan diffs against and what apply starts from. The rest of each instance
/// (type, provider, dependencies) is read from the state, not copied.
pub type Prior = plcli_lang::Entries<String, Value>;

use crate::workspace::{Loaded, Workspace};

/// Plan options (SPEC §4).
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub destroy: bool,
    pub targets: Vec<String>,
    pub replace: Vec<String>,
    /// `--refresh=false` skips reading objects back from the world.
    pub refresh: bool,
    /// Predict API refusals: apply the plan to in-memory copies of the state and world and
    /// report every operation the simulated API refuses as a plan error (plan and apply do;
    /// `verify --planned` turns refusals into explanations instead).
    pub predict: bool,
    /// Record the prediction's progress lines, to print when [`crate::commit`] carries it out
    /// (`apply`).
    pub commit: bool,
    /// Only the evaluated configuration is wanted (`verify`): the plan keeps no changes.
    pub values_only: bool,
}

/// A plan with what produced it.
pub struct Planned {
    pub plan: Plan,
    pub eval: Evaluation,
    pub diags: Diagnostics,
    /// The refreshed prior state's attributes, by address (the rest of each instance is in
    /// the state).
    pub prior: Prior,
    /// The prediction, when it refused nothing.
    pub predicted: Option<crate::apply::Predicted>,
}

pub(crate) fn index_json(k: &InstanceKey) -> Json {
    match k {
        InstanceKey::None => Json::Null,
        InstanceKey::Int(i) => Json::from(*i),
        InstanceKey::Str(s) => Json::String(s.clone()),
    }
}

pub(crate) fn module_address(r: &InstanceRecord) -> String {
    r.module.iter().map(|(n, k)| format!("module.{n}{}", k.suffix())).collect::<Vec<_>>().join(".")
}

/// A change of an object known only from the state (drift, deletions).
fn state_change(addr: &str, inst: &InstanceState, action: Action, after: Option<Value>, reason: Option<String>) -> ResourceChange {
    ResourceChange {
        address: addr.to_string(),
        module_address: inst.module.clone(),
        mode: inst.mode.clone(),
        ty: inst.ty.clone(),
        name: inst.name.clone(),
        index: inst.index_key.clone(),
        provider: inst.provider.clone(),
        action,
        before: Some(inst.attributes.clone()),
        after,
        replace_paths: Vec::new(),
        reason,
    }
}

/// Reads each managed object of the state back from the world: gone objects drop out of the
/// prior state (and are planned again); changed ones are drift.
fn refresh(state: &State, world: &World, enabled: bool) -> (Prior, Vec<ResourceChange>) {
    use rayon::prelude::*;
    // Each instance is read back on every core; the results are gathered in address order.
    let instances: Vec<(&String, &InstanceState)> = state.instances.iter().collect();
    let read: Vec<(Option<Value>, Option<ResourceChange>)> = instances
        .par_iter()
        .with_min_len(256)
        .map(|&(addr, inst)| {
            if !enabled || inst.mode == "data" {
                return (Some(inst.attributes.clone()), None);
            }
            let change = |action: Action, after: Option<Value>| state_change(addr, inst, action, after, None);
            match inst.id().and_then(|id| world.read(&inst.ty, id)) {
                None => (None, Some(change(Action::Delete, None))),
                Some(now) => {
                    let drift = (!values_equal(&now, &inst.attributes)).then(|| change(Action::Update, Some(now.clone())));
                    (Some(now), drift)
                }
            }
        })
        .collect();
    let mut prior = Vec::with_capacity(read.len());
    let mut drift = Vec::new();
    for ((addr, _), (p, d)) in instances.into_iter().zip(read) {
        if let Some(p) = p {
            prior.push((addr.clone(), p));
        }
        drift.extend(d);
    }
    // In address order already (the state's): collected without sorting.
    (prior.into_iter().collect(), drift)
}

struct PlanHook<'a> {
    base_dir: std::path::PathBuf,
    prior: &'a Prior,
    world: &'a mut World,
    opts: &'a PlanOptions,
    changes: Vec<ResourceChange>,
    seen: HashSet<String>,
    diags: Diagnostics,
    records: BTreeMap<String, (std::sync::Arc<BTreeSet<String>>, String)>,
    azs_registered: bool,
    lifecycle: &'a dyn Fn(&InstanceRecord) -> (Vec<String>, bool),
    /// The prediction running beside this walk, fed each change as it is decided.
    tx: Option<std::sync::mpsc::Sender<crate::apply::Msg>>,
    /// Whether the prediction has its world.
    started: bool,
    /// Changes not yet sent to the prediction.
    batch: Vec<(String, Action, Option<Value>)>,
}

impl PlanHook<'_> {
    fn push(&mut self, ch: ResourceChange) {
        if self.opts.values_only {
            return;
        }
        if ch.action != Action::NoOp {
            self.start_prediction();
        }
        if self.tx.is_some() {
            let after = if ch.action == Action::Update { ch.after.clone() } else { None };
            self.batch.push((ch.address.clone(), ch.action, after));
            if self.batch.len() >= 256 {
                self.flush();
            }
        }
        self.changes.push(ch);
    }

    fn flush(&mut self) {
        if let (Some(tx), false) = (&self.tx, self.batch.is_empty()) {
            // A prediction that stopped listening has been cancelled: nothing to do.
            let _ = tx.send(crate::apply::Msg::Changes(std::mem::take(&mut self.batch)));
        }
    }

    /// Gives the prediction its copy of the world, once. The walk so far changed the world only
    /// by registering AZ mappings and reading data sources, which the prediction's own walk
    /// does the same way.
    fn start_prediction(&mut self) {
        if let (Some(tx), false) = (&self.tx, self.started) {
            self.started = true;
            let _ = tx.send(crate::apply::Msg::Start(Box::new(self.world.clone())));
        }
    }

    fn register_azs(&mut self, ctx: &WalkContext) {
        if self.azs_registered {
            return;
        }
        self.azs_registered = true;
        for (acct, a) in &ctx.simulation.accounts {
            if let Err(m) = self.world.register_azs(acct, &a.az_ids) {
                let mut d = Diagnostic::error("az_mapping_conflict", format!("Account {acct} is mapped differently in the world"))
                    .with_detail(format!("{m}. AZ mappings are fixed when an account is first used."));
                if let Some(sp) = a.span {
                    d = d.with_span(sp);
                }
                self.diags.push(d);
            }
        }
    }
}

impl InstanceHook for PlanHook<'_> {
    fn instance_value(&mut self, r: &mut InstanceRecord, schema: Option<&BlockSchema>, ctx: &WalkContext) -> Value {
        self.register_azs(ctx);
        if !self.opts.values_only {
            self.seen.insert(r.address.clone());
        }
        if !self.opts.targets.is_empty() {
            // Only -target reads these.
            self.records.insert(r.address.clone(), (r.depends_on.clone(), r.resource_address.clone()));
        }
        let prior = self.prior.get(&r.address);
        let base = ResourceChange {
            address: r.address.clone(),
            module_address: module_address(r),
            mode: if r.mode == plcli_config::ResourceMode::Data { "data".into() } else { "managed".into() },
            ty: r.ty.clone(),
            name: r.name.clone(),
            index: index_json(&r.key),
            provider: r.provider.clone(),
            action: Action::NoOp,
            before: prior.cloned(),
            after: None,
            replace_paths: Vec::new(),
            reason: None,
        };
        if self.opts.destroy {
            return prior.cloned().unwrap_or(Value::Unknown);
        }
        if base.mode == "data" {
            let mut ch = base;
            ch.action = Action::Read;
            let value = if r.config.is_wholly_known() || schema.is_some() && known_inputs(&r.config, schema) {
                match ctx.callers.get(&r.provider) {
                    _ if r.ty == "terraform_remote_state" => match remote_state(&r.config, &self.base_dir) {
                        Ok(v) => v,
                        Err(m) => {
                            self.diags.push(
                                Diagnostic::error("data_source_error", format!("Error reading {}", r.address))
                                    .with_span(r.span)
                                    .with_detail(m),
                            );
                            Value::Unknown
                        }
                    },
                    Some(c) if schema.is_some() => {
                        let caller = crate::sim_caller(c, &ctx.simulation);
                        match self.world.read_data(&caller, &r.ty, &r.config) {
                            Ok(v) => v,
                            Err(e) => {
                                self.diags.push(
                                    Diagnostic::error(
                                        "data_source_error",
                                        format!("Error reading {}: {}: {}", r.address, e.code, e.message),
                                    )
                                    .with_span(r.span)
                                    .with_detail(format!("{} {}", e.code, e.message)),
                                );
                                Value::Unknown
                            }
                        }
                    }
                    _ => Value::Unknown,
                }
            } else {
                r.config.clone()
            };
            ch.after = Some(value.clone());
            ch.before = None;
            self.push(ch);
            return value;
        }
        let (ignore, ignore_all) = (self.lifecycle)(r);
        // Terraform applies ignore_changes to the configuration before the provider plans,
        // so values derived from ignored ones (tags_all from tags) follow the prior ones.
        let mut config = r.config.clone();
        if let (Some(p), Value::Object(m)) = (prior, &mut config) {
            for k in &ignore {
                if let Some(v) = p.get_attr(k) {
                    m.insert(k.as_str().into(), v.clone());
                }
            }
        }
        let config = with_tags_all(&config, schema, ctx.callers.get(&r.provider));
        let force = self.opts.replace.iter().any(|a| a == &r.address);
        let d = diff(prior, &config, &r.configured, schema, &ignore, ignore_all, force && prior.is_some(), r.create_before_destroy);
        let mut d = d;
        // A Network Load Balancer created without security groups can never get them, and one
        // with them can never lose them all: the provider plans a replacement (CustomizeDiff).
        if matches!(r.ty.as_str(), "aws_lb" | "aws_alb")
            && d.action == Action::Update
            && config.get_attr("load_balancer_type").and_then(Value::as_str) == Some("network")
        {
            let count = |v: Option<&Value>| v.and_then(Value::as_seq).map_or(0, <[Value]>::len);
            let before = count(prior.and_then(|p| p.get_attr("security_groups")));
            let after_v = config.get_attr("security_groups");
            if after_v.is_some_and(|v| !v.is_unknown()) && (before == 0) != (count(after_v) == 0) {
                d = diff(prior, &config, &r.configured, schema, &ignore, ignore_all, true, r.create_before_destroy);
                d.replace_paths = vec!["security_groups".into()];
            }
        }
        // terraform_data's output follows its input, and is known only after apply.
        if r.ty == "terraform_data" && d.action == Action::Update {
            if let Value::Object(m) = &mut d.after {
                m.insert("output".into(), Value::Unknown);
            }
        }
        let mut ch = base;
        ch.action = d.action;
        ch.after = Some(d.after.clone());
        ch.replace_paths = d.replace_paths;
        if force && prior.is_some() {
            ch.reason = Some("replace_by_request".into());
        } else if ch.action.is_replace() {
            ch.reason = Some("replace_because_cannot_update".into());
        }
        if ch.action.is_replace() && r.prevent_destroy {
            self.diags.push(
                Diagnostic::error("prevent_destroy", "Instance cannot be destroyed")
                    .with_span(r.span)
                    .with_detail(format!("Resource {} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed (replaced because of {}).", r.address, ch.replace_paths.join(", ")))
                    .with_help("to avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using --target"),
            );
        }
        self.push(ch);
        // An opaque type's attributes are unknown until apply (SPEC §2.3).
        if schema.is_none() && prior.is_none() {
            return Value::Unknown;
        }
        d.after
    }
}

/// `data "terraform_remote_state"` with the local backend: another root's plcli state file,
/// its outputs under `outputs`.
pub(crate) fn remote_state(config: &Value, base: &std::path::Path) -> Result<Value, String> {
    let backend = config.get_attr("backend").and_then(Value::as_str).unwrap_or("");
    if backend != "local" {
        return Err(format!(
            "the \"{backend}\" backend is not available offline; plcli reads remote state only from local files (backend = \"local\")"
        ));
    }
    let path = config.get_attr("config").and_then(|c| c.get_attr("path")).and_then(Value::as_str).unwrap_or("terraform.tfstate");
    let full = base.join(path);
    let st = match plcli_state::State::load(&full) {
        Ok(Some(s)) => s,
        Ok(None) => return Err(format!("no state file at {}", full.display())),
        Err(e) => return Err(e.to_string()),
    };
    let mut outputs: plcli_lang::Entries<plcli_lang::Key, Value> =
        config.get_attr("defaults").and_then(Value::as_map).cloned().unwrap_or_default();
    for (k, o) in st.outputs {
        outputs.insert(k.into(), o.value);
    }
    let mut m = config.as_map().cloned().unwrap_or_default();
    m.insert("outputs".into(), Value::Object(outputs.into()));
    m.insert("id".into(), Value::string(full.display().to_string()));
    Ok(Value::Object(m.into_iter().map(|(k, v)| (k, if v.is_unknown() { Value::Null } else { v })).collect()))
}

/// `tags_all` as the provider plans it: the provider's `default_tags` merged with `tags`.
pub(crate) fn with_tags_all(config: &Value, schema: Option<&BlockSchema>, caller: Option<&plcli_graph::Caller>) -> Value {
    if !schema.is_some_and(|s| s.attributes.contains_key("tags_all")) {
        return config.clone();
    }
    let Value::Object(mut m) = config.clone() else { return config.clone() };
    let tags = m.get("tags").cloned().unwrap_or(Value::Null);
    if !tags.is_wholly_known() {
        return Value::Object(m);
    }
    let mut all: BTreeMap<plcli_lang::Key, Value> =
        caller.map(|c| c.default_tags.iter().map(|(k, v)| (k.into(), Value::string(v))).collect()).unwrap_or_default();
    if let Some(t) = tags.as_map() {
        for (k, v) in t {
            all.insert(k.clone(), v.clone());
        }
    }
    // With no tags at all the provider leaves tags_all to apply.
    if !all.is_empty() {
        m.insert("tags_all".into(), Value::Map(all.into()));
    }
    Value::Object(m)
}

/// Whether a data source's identifying arguments are known (computed ones may stay unknown).
fn known_inputs(config: &Value, schema: Option<&BlockSchema>) -> bool {
    let Some(schema) = schema else { return false };
    config.as_map().is_some_and(|m| {
        m.iter().all(|(k, v)| {
            v.is_wholly_known()
                || schema.attributes.get(k.as_str()).is_some_and(|a| a.computed && !a.optional)
                || schema.attributes.get(k.as_str()).is_some_and(|a| a.computed && v.is_unknown())
        })
    })
}

/// Refreshes, walks the configuration and diffs every instance (SPEC §4 `plan`). The
/// prediction, when asked for, runs beside the walk on a second thread: it needs only each
/// instance's planned action, which the walk decides in the same order.
pub fn plan(ws: &Workspace, loaded: &Loaded, state: &State, world: &mut World, opts: &PlanOptions) -> Planned {
    plan_with(ws, loaded, state, world, opts, &mut |_| {})
}

/// [`plan`], calling `meanwhile` with the finished plan while its prediction is still running
/// on the other core (not at all when there is no prediction to wait for): the caller can
/// render the plan in time it would otherwise spend waiting.
pub fn plan_with(
    _ws: &Workspace,
    loaded: &Loaded,
    state: &State,
    world: &mut World,
    opts: &PlanOptions,
    meanwhile: &mut dyn FnMut(&Plan),
) -> Planned {
    let (prior, drift) = refresh(state, world, opts.refresh);
    let root = &loaded.module;
    let lifecycle = |r: &InstanceRecord| -> (Vec<String>, bool) {
        let mut m = root;
        for (call, _) in &r.module {
            match m.calls.get(call).map(|c| &c.module) {
                Some(plcli_config::ModuleSource::Loaded(child)) => m = child,
                _ => return (Vec::new(), false),
            }
        }
        match m.resource(r.mode, &r.ty, &r.name) {
            Some(res) => (res.lifecycle.ignore_changes.iter().map(|(n, _)| n.clone()).collect(), res.lifecycle.ignore_all),
            None => (Vec::new(), false),
        }
    };
    let wopts = WalkOptions { mode: WalkMode::Plan, vars: &loaded.vars, root_dir: loaded.module.dir.clone() };
    // -target restricts the changes after the walk, which a prediction beside it cannot know.
    let side_by_side = opts.predict && !opts.destroy && opts.targets.is_empty();
    let prebuilt = loaded.take_schedule();
    let (sched, prebuilt) = match (side_by_side, prebuilt) {
        (true, Some(built)) => (Some(built), None),
        (true, None) => (Some(Schedule::build(root, &wopts)), None),
        (false, prebuilt) => (None, prebuilt.and_then(Result::ok)),
    };
    let mut hook = PlanHook {
        base_dir: loaded.module.dir.clone(),
        prior: &prior,
        world,
        opts,
        changes: Vec::new(),
        seen: HashSet::default(),
        diags: Diagnostics::new(),
        records: BTreeMap::new(),
        azs_registered: false,
        lifecycle: &lifecycle,
        tx: None,
        started: false,
        batch: Vec::new(),
    };
    let mut planned = match sched {
        Some(Ok(mut sched)) => {
            let build_diags = sched.take_diags();
            let drift_deleted: Vec<String> = crate::apply::deleted_addresses(&drift).map(str::to_string).collect();
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let (tx, rx) = std::sync::mpsc::channel();
            hook.tx = Some(tx);
            let (sched, prior_ref, cancel_ref) = (&sched, &prior, &cancel);
            std::thread::scope(|s| {
                let prediction = s.spawn(move || {
                    let mut stream = crate::apply::Stream::new(rx, cancel_ref, drift_deleted);
                    let w = stream.wait_for_work()?;
                    Some(run_prediction(
                        opts.commit,
                        loaded,
                        state,
                        w,
                        crate::apply::Changes::Stream(Box::new(stream)),
                        prior_ref,
                        Some(sched),
                    ))
                });
                // Should the walk panic (a bug), the prediction must not wait for it forever:
                // close its channel and stop it before the panic goes on.
                let walked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let (eval, walk_diags) = walk_with(root, &wopts, &mut hook, sched);
                    let mut diags = build_diags;
                    diags.extend(walk_diags);
                    assemble(loaded, state, opts, drift, &prior, &mut hook, eval, diags)
                }));
                let mut planned = match walked {
                    Ok(planned) => planned,
                    Err(panic) => {
                        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                        hook.tx = None;
                        std::panic::resume_unwind(panic)
                    }
                };
                let wanted = prediction_wanted(&planned);
                if wanted {
                    // Deletions only.
                    hook.start_prediction();
                } else {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                hook.flush();
                let tx = hook.tx.take();
                let deletes = crate::apply::deleted_addresses(&planned.plan.changes).map(str::to_string).collect();
                if let Some(tx) = tx {
                    let _ = tx.send(crate::apply::Msg::End(wanted.then_some(deletes)));
                }
                if wanted {
                    meanwhile(&planned.plan);
                }
                let predicted = match prediction.join() {
                    Ok(p) => p,
                    Err(panic) => std::panic::resume_unwind(panic),
                };
                if let (true, Some(p)) = (wanted, predicted) {
                    absorb_prediction(loaded, &mut planned, p);
                }
                planned
            })
        }
        Some(Err(cycle)) => assemble(loaded, state, opts, drift, &prior, &mut hook, Evaluation::default(), cycle),
        None => {
            let mut schedule = prebuilt;
            let (eval, walk_diags) = walk_scheduled(root, &wopts, &mut hook, &mut schedule);
            let mut planned = assemble(loaded, state, opts, drift, &prior, &mut hook, eval, walk_diags);
            if opts.predict && !opts.destroy && prediction_wanted(&planned) {
                let p = run_prediction(
                    opts.commit,
                    loaded,
                    state,
                    world.clone(),
                    crate::apply::Changes::of(&planned.plan),
                    &prior,
                    schedule.as_ref(),
                );
                absorb_prediction(loaded, &mut planned, p);
            }
            planned
        }
    };
    planned.prior = prior;
    planned
}

/// Whether a plan is worth predicting: it is valid and changes something.
fn prediction_wanted(planned: &Planned) -> bool {
    !planned.diags.has_errors() && planned.plan.has_changes()
}

/// The plan from what its walk decided: deletions of what the configuration lost, -target,
/// outputs. (The prior state is set by the caller.)
#[allow(clippy::too_many_arguments)]
fn assemble(
    loaded: &Loaded,
    state: &State,
    opts: &PlanOptions,
    drift: Vec<ResourceChange>,
    prior: &Prior,
    hook: &mut PlanHook<'_>,
    eval: Evaluation,
    walk_diags: Diagnostics,
) -> Planned {
    let mut diags = loaded.warnings.clone();
    diags.extend(walk_diags);
    diags.extend(std::mem::take(&mut hook.diags));
    let mut changes = std::mem::take(&mut hook.changes);
    let seen = std::mem::take(&mut hook.seen);
    let records = std::mem::take(&mut hook.records);
    // Deletions: everything in a destroy plan; otherwise what the configuration lost. An
    // instance whose resource the configuration still declares lost its key or index.
    let declared: HashSet<(&str, &str, &str, &str)> =
        changes.iter().map(|c| (c.ty.as_str(), c.name.as_str(), c.module_address.as_str(), c.mode.as_str())).collect();
    let mut deletions = Vec::new();
    for (addr, attributes) in prior.iter().filter(|_| !opts.values_only) {
        let Some(inst) = state.instances.get(addr) else { continue };
        if inst.mode == "data" {
            continue;
        }
        if opts.destroy || !seen.contains(addr) {
            let reason = if opts.destroy {
                None
            } else if declared.contains(&(inst.ty.as_str(), inst.name.as_str(), inst.module.as_str(), inst.mode.as_str())) {
                Some(if inst.index_key.is_string() { "delete_because_each_key" } else { "delete_because_count_index" }.to_string())
            } else {
                Some("delete_because_no_resource_config".to_string())
            };
            let mut change = state_change(addr, inst, Action::Delete, None, reason);
            // As refreshed.
            change.before = Some(attributes.clone());
            deletions.push(change);
        }
    }
    drop(declared);
    changes.extend(deletions);
    if opts.destroy {
        changes.retain(|c| c.action == Action::Delete);
        for r in &eval.instances {
            if r.prevent_destroy && prior.contains_key(&r.address) {
                diags.push(
                    Diagnostic::error("prevent_destroy", "Instance cannot be destroyed")
                        .with_span(r.span)
                        .with_detail(format!(
                            "Resource {} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.",
                            r.address
                        ))
                        .with_help("to destroy it, remove prevent_destroy first"),
                );
            }
        }
    }
    if !opts.targets.is_empty() {
        restrict_to_targets(&mut changes, &opts.targets, &records, state);
    }
    changes.sort_by(|a, b| a.address.cmp(&b.address));
    let mut outputs = Vec::new();
    if opts.destroy {
        for (name, o) in &state.outputs {
            outputs.push(OutputChange { name: name.clone(), before: Some(o.value.clone()), after: None, sensitive: o.sensitive });
        }
    } else {
        for (name, (v, sensitive)) in &eval.outputs {
            outputs.push(OutputChange {
                name: name.clone(),
                before: state.outputs.get(name).map(|o| o.value.clone()),
                after: Some(v.clone()),
                sensitive: *sensitive,
            });
        }
        for (name, o) in &state.outputs {
            if !eval.outputs.contains_key(name) {
                outputs.push(OutputChange { name: name.clone(), before: Some(o.value.clone()), after: None, sensitive: o.sensitive });
            }
        }
    }
    let plan = Plan {
        changes,
        drift,
        outputs,
        destroy: opts.destroy,
        lineage: state.lineage.clone(),
        serial: state.serial,
        targets: opts.targets.clone(),
        replace: opts.replace.clone(),
        refresh: opts.refresh,
        variables: loaded.vars.values.clone(),
    };
    Planned { plan, eval, diags, prior: Prior::new(), predicted: None }
}

/// `--target`: keep changes of the targeted instances (a resource address targets all of its
/// instances) and of what they depend on; everything else becomes a no-op.
fn restrict_to_targets(
    changes: &mut [ResourceChange],
    targets: &[String],
    records: &BTreeMap<String, (std::sync::Arc<BTreeSet<String>>, String)>,
    state: &State,
) {
    let matches_target = |addr: &str, res_addr: &str| {
        targets.iter().any(|t| t == addr || t == res_addr || addr.starts_with(&format!("{t}.")) || addr.starts_with(&format!("{t}[")))
    };
    let mut keep_resources: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    for (addr, (_, res)) in records {
        if matches_target(addr, res) {
            queue.push(addr.clone());
        }
    }
    for (addr, inst) in &state.instances {
        let res = addr.split('[').next().unwrap_or(addr).to_string();
        if matches_target(addr, &res) {
            queue.push(addr.clone());
        }
        let _ = inst;
    }
    // Instances by their static resource address, to follow a dependency to its instances.
    let mut instances_of: HashMap<String, Vec<&String>> = HashMap::default();
    for (addr, (_, res)) in records {
        instances_of.entry(plcli_state::strip_instance_keys(res)).or_default().push(addr);
    }
    let mut keep: BTreeSet<String> = BTreeSet::new();
    while let Some(a) = queue.pop() {
        if !keep.insert(a.clone()) {
            continue;
        }
        if let Some((deps, _)) = records.get(&a) {
            for d in deps.iter() {
                if keep_resources.insert(d.clone()) {
                    queue.extend(instances_of.get(d).into_iter().flatten().map(|a| (*a).clone()));
                }
            }
        }
    }
    for c in changes.iter_mut() {
        if !keep.contains(&c.address) {
            c.action = Action::NoOp;
            c.after = c.before.clone();
            c.replace_paths.clear();
        }
    }
}

/// Runs the plan against copies of the state and world. The simulation is deterministic, so
/// what the copy refuses, the real apply would refuse. Only a prediction that will be
/// committed copies the state: a plan's forecast keeps none.
fn run_prediction(
    commit: bool,
    loaded: &Loaded,
    state: &State,
    mut w: World,
    changes: crate::apply::Changes<'_>,
    prior: &Prior,
    schedule: Option<&plcli_graph::Schedule>,
) -> crate::apply::Predicted {
    let mut st = if commit { state.clone() } else { State::new() };
    let mut log = Vec::new();
    let durability = if commit { crate::apply::Durability::Deferred } else { crate::apply::Durability::Forecast };
    let mut keep = |line: &str| log.push(line.to_string());
    let sink: Option<&mut dyn FnMut(&str)> = if commit { Some(&mut keep) } else { None };
    let report = crate::apply::apply_inner(durability, loaded, &mut st, &mut w, changes, prior, schedule, sink);
    crate::apply::Predicted { state: st, world: w, report, log, forecast: !commit }
}

/// Every refusal of the prediction becomes an error at the offending attribute, with the AWS
/// code, before anything is changed. For `apply` the prediction is kept in
/// [`Planned::predicted`] for [`crate::commit`] when nothing was refused.
fn absorb_prediction(loaded: &Loaded, planned: &mut Planned, mut predicted: crate::apply::Predicted) {
    let failures = std::mem::take(&mut predicted.report.failures);
    // Kept even when only planning: the caller may carry it out, or simply let it go with the
    // rest of the plan.
    if failures.is_empty() {
        planned.predicted = Some(predicted);
    }
    for f in failures {
        let record = planned.eval.instances.iter().find(|r| r.address == f.address);
        let attr = match (f.code.as_str(), f.ty.as_str()) {
            ("InvalidServiceName", _) => Some("service_name"),
            ("InvalidParameter", "aws_vpc_endpoint") if f.message.contains("availability zone") || f.message.contains("subnet") => {
                Some("subnet_ids")
            }
            ("DuplicateSubnetsInSameZone", _) => Some("subnet_ids"),
            ("InvalidParameter", "aws_vpc_endpoint") if f.message.contains("DNS") || f.message.contains("private-dns") => {
                Some("private_dns_enabled")
            }
            ("InvalidSubnet.Range" | "InvalidSubnet.Conflict", _) | ("InvalidVpc.Range", _) => Some("cidr_block"),
            ("InvalidParameterValue", "aws_subnet") => Some("availability_zone"),
            ("InvalidConfigurationRequest", _) => Some("subnets"),
            _ => None,
        };
        let span = record.map(|r| attribute_span(&loaded.module, r, attr).unwrap_or(r.span));
        let mut d = Diagnostic::error("predicted_api_error", format!("{}: {}", f.code, f.message))
            .with_detail(format!(
                "AWS would refuse {} {} at apply (AWS error code {}); plcli stops before changing anything.",
                if planned.plan.change(&f.address).is_some_and(|c| c.action == Action::Update) { "updating" } else { "creating" },
                f.address,
                f.code
            ))
            .with_label(format!("{} fails here", f.address));
        if let Some(sp) = span {
            d = d.with_span(sp);
        }
        if f.code == "InvalidServiceName" {
            d = d.with_help("the caller's principal must be on the service's allowed principals (AWS answers \"does not exist\" rather than revealing the service); add it, and make the endpoint depend on the allowed principal");
        } else if f.message.contains("availability zone") {
            d = d.with_help("compare AZ IDs, not names: the same AZ name is a different zone in another account; put the endpoint's subnets in AZ IDs the service's NLB covers");
        }
        planned.diags.push(d);
    }
}

/// The span of attribute `name` in the block that declares `r`.
fn attribute_span(root: &plcli_config::Module, r: &InstanceRecord, name: Option<&str>) -> Option<plcli_syntax::Span> {
    let name = name?;
    let mut m = root;
    for (call, _) in &r.module {
        match m.calls.get(call).map(|c| &c.module) {
            Some(plcli_config::ModuleSource::Loaded(child)) => m = child,
            _ => return None,
        }
    }
    let res = m.resource(r.mode, &r.ty, &r.name)?;
    res.body.iter().find_map(|s| match s {
        plcli_syntax::ast::Structure::Attribute(a) if a.key.as_str() == name => Some(plcli_eval::span_of(res.file, &a.value)),
        _ => None,
    })
}
