//! Building the dependency graph and walking it.

use std::collections::{BTreeMap, BTreeSet};

// Keys here are short strings and tuples hashed many times per resource: Fx hashing, not
// SipHash (no untrusted input picks them to collide).
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use plcli_aws::{BlockSchema, Schemas};
use plcli_config::variables::VarValues;
use plcli_config::{Module, ModuleSource, Resource};
use plcli_eval::{did_you_mean, references_with_bound, span_of, Evaluator, Reference, ResourceMode, Scope, Subject};
use plcli_lang::functions::FuncContext;
use plcli_lang::{format_number, Value};
use plcli_syntax::ast::{Body, Structure};
use plcli_syntax::ast::{Expression, TraversalOperator};
use plcli_syntax::{Diagnostic, Diagnostics, FileId, Span};

use crate::body::eval_body;
use crate::providers::{Caller, Simulation};

/// Validate treats what is not known yet as unknown; plan requires `count`/`for_each` and
/// root variables to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkMode {
    Validate,
    Plan,
}

/// Inputs of a walk.
pub struct WalkOptions<'a> {
    pub mode: WalkMode,
    pub vars: &'a VarValues,
    /// The root module directory (for `path.*`).
    pub root_dir: PathBuf,
}

/// The key of one instance of a resource or module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    None,
    Int(usize),
    Str(String),
}

impl InstanceKey {
    /// `""`, `[0]` or `["key"]`, as in Terraform addresses.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::None => String::new(),
            InstanceKey::Int(i) => format!("[{i}]"),
            InstanceKey::Str(s) => format!("[{}]", serde_json_string(s)),
        }
    }
}

fn serde_json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

type ModPath = Vec<String>;
/// A module instance: the call names and keys from the root.
pub type ModInst = Vec<(String, InstanceKey)>;

fn inst_prefix(mi: &ModInst) -> String {
    mi.iter().map(|(n, k)| format!("module.{n}{}.", k.suffix())).collect()
}

/// One resource or data source instance, with its evaluated configuration.
#[derive(Debug, Clone)]
pub struct InstanceRecord {
    /// Full address, e.g. `module.c["a"].aws_subnet.x[0]`.
    pub address: String,
    /// The resource's address without instance key (`module.c["a"].aws_subnet.x`).
    pub resource_address: String,
    pub module: ModInst,
    pub mode: ResourceMode,
    pub ty: String,
    pub name: String,
    pub key: InstanceKey,
    /// The root provider configuration it uses (`aws`, `aws.consumer`).
    pub provider: String,
    /// Evaluated arguments and blocks (unset computed attributes unknown).
    pub config: Value,
    /// The top-level arguments and blocks written in the configuration (the rest are unset).
    pub configured: Arc<[String]>,
    /// Resource addresses (no instance keys) this one depends on (one set per resource,
    /// computed with the schedule and shared by every instance and every walk).
    pub depends_on: Arc<BTreeSet<String>>,
    pub file: FileId,
    pub span: Span,
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    /// Whether plcli simulates the type (false: opaque).
    pub simulated: bool,
}

/// Decides what a resource instance looks like to references.
pub trait InstanceHook {
    /// The instance's value for its dependents. A hook that keeps no instances
    /// ([`InstanceHook::keep_instances`]) may take what it needs out of the record (its
    /// configuration): the walk drops it afterwards.
    fn instance_value(&mut self, record: &mut InstanceRecord, schema: Option<&BlockSchema>, ctx: &WalkContext) -> Value;

    /// Whether [`Evaluation::instances`] should keep every record; a walk whose caller only
    /// needs the hook's effects (apply) says no, and each record is dropped once evaluated.
    fn keep_instances(&self) -> bool {
        true
    }

    /// Whether the walk should stop before its next node (a walk whose result is no longer
    /// wanted).
    fn stop(&self) -> bool {
        false
    }
}

/// What the walk knows when it reaches an instance: the callers (provider configurations)
/// and the simulation block, both evaluated before any resource that uses them.
#[derive(Debug, Default)]
pub struct WalkContext {
    pub callers: BTreeMap<String, Caller>,
    pub simulation: Simulation,
}

/// Validate's view: a simulated resource is its configuration with unset computed attributes
/// unknown; an opaque one is entirely unknown.
pub struct DefaultHook;

impl InstanceHook for DefaultHook {
    fn instance_value(&mut self, record: &mut InstanceRecord, schema: Option<&BlockSchema>, _ctx: &WalkContext) -> Value {
        if schema.is_some() {
            record.config.clone()
        } else {
            Value::Unknown
        }
    }
}

/// An evaluated plcli-only block attribute: its value and, when it is a plain reference to a
/// resource, that resource's address.
#[derive(Debug, Clone)]
pub struct PlcliAttr {
    pub value: Value,
    pub reference: Option<String>,
    pub span: Span,
}

/// A nested plcli block (`account "ID" { ... }`): type, label, attributes, where.
pub type PlcliNested = (String, Option<String>, BTreeMap<String, PlcliAttr>, Span);

/// An evaluated `simulation`, `path` or `scenario` block.
#[derive(Debug, Clone)]
pub struct PlcliValue {
    pub kind: String,
    pub name: Option<String>,
    pub file: FileId,
    pub span: Span,
    pub attrs: BTreeMap<String, PlcliAttr>,
    /// Nested blocks (`account "id" { ... }`): type, label, attributes.
    pub blocks: Vec<PlcliNested>,
}

/// The result of a walk.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Every resource and data source instance, in walk order.
    pub instances: Vec<InstanceRecord>,
    /// Root module outputs: value and sensitivity.
    pub outputs: BTreeMap<String, (Value, bool)>,
    /// Resource types that are not simulated (opaque), with where each is first used.
    pub not_simulated: BTreeMap<String, Span>,
    pub plcli: Vec<PlcliValue>,
    /// Root provider configurations (`aws`, `aws.consumer`), evaluated against the
    /// provider's schema.
    pub provider_configs: BTreeMap<String, Value>,
    /// Every root AWS provider configuration as a caller (plus the implicit default `aws`).
    pub callers: BTreeMap<String, Caller>,
    pub simulation: Simulation,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum NodeKey {
    Var(ModPath, String),
    Local(ModPath, String),
    Resource(ModPath, ResourceMode, String, String),
    Call(ModPath, String),
    Output(ModPath, String),
    /// A root `provider` block (by key: `aws`, `aws.consumer`).
    Provider(String),
    /// The root `simulation` block.
    Simulation,
}

/// SPEC §3.3's tie-break rank of a resource type: network, load balancing, endpoint service,
/// allowed principals and DNS, interface endpoints, accepters, everything else.
pub fn type_rank(ty: &str) -> u8 {
    match ty {
        "aws_vpc"
        | "aws_subnet"
        | "aws_security_group"
        | "aws_default_security_group"
        | "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule"
        | "aws_instance"
        | "aws_network_interface" => 0,
        t if t.starts_with("aws_lb") || t.starts_with("aws_alb") => 1,
        "aws_vpc_endpoint_service" => 2,
        "aws_vpc_endpoint_service_allowed_principal"
        | "aws_route53_zone"
        | "aws_route53_record"
        | "aws_vpc_endpoint_service_private_dns_verification" => 3,
        "aws_vpc_endpoint" | "aws_vpc_endpoint_subnet_association" | "aws_vpc_endpoint_security_group_association" => 4,
        "aws_vpc_endpoint_connection_accepter" | "aws_vpc_endpoint_connection_notification" => 5,
        _ => 6,
    }
}

impl NodeKey {
    /// Walk-order rank: non-resource nodes first (they create nothing), then by type rank.
    fn rank(&self) -> u8 {
        match self {
            NodeKey::Resource(_, _, ty, _) => 1 + type_rank(ty),
            _ => 0,
        }
    }

    fn address(&self) -> String {
        let p = |path: &ModPath| path.iter().map(|c| format!("module.{c}.")).collect::<String>();
        match self {
            NodeKey::Var(m, n) => format!("{}var.{n}", p(m)),
            NodeKey::Local(m, n) => format!("{}local.{n}", p(m)),
            NodeKey::Resource(m, ResourceMode::Managed, t, n) => format!("{}{t}.{n}", p(m)),
            NodeKey::Resource(m, ResourceMode::Data, t, n) => format!("{}data.{t}.{n}", p(m)),
            NodeKey::Call(m, n) => format!("{}module.{n}", p(m)),
            NodeKey::Output(m, n) => format!("{}output.{n}", p(m)),
            NodeKey::Provider(k) => format!("provider.{k}"),
            NodeKey::Simulation => "simulation".into(),
        }
    }
}

#[derive(Debug, Clone)]
enum Expansion {
    Single,
    Count(usize),
    ForEach(Vec<(String, Value)>),
    Unknown,
}

impl Expansion {
    fn keys(&self) -> Vec<(InstanceKey, Each)> {
        match self {
            Expansion::Single => vec![(InstanceKey::None, Each::default())],
            Expansion::Count(n) => {
                (0..*n).map(|i| (InstanceKey::Int(i), Each { count_index: Some(Value::Number(i as f64)), each: None })).collect()
            }
            Expansion::ForEach(items) => items
                .iter()
                .map(|(k, v)| (InstanceKey::Str(k.clone()), Each { count_index: None, each: Some((Value::string(k), v.clone())) }))
                .collect(),
            Expansion::Unknown => Vec::new(),
        }
    }

    fn combine(&self, values: Vec<(InstanceKey, Value)>) -> Value {
        match self {
            Expansion::Single => values.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Unknown),
            Expansion::Count(_) => Value::Tuple(values.into_iter().map(|(_, v)| v).collect()),
            Expansion::ForEach(_) => Value::Object(
                values
                    .into_iter()
                    .filter_map(|(k, v)| match k {
                        InstanceKey::Str(s) => Some((s, v)),
                        _ => None,
                    })
                    .collect(),
            ),
            Expansion::Unknown => Value::Unknown,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Each {
    count_index: Option<Value>,
    each: Option<(Value, Value)>,
}

impl Each {
    fn unknown(count: bool, for_each: bool) -> Each {
        Each { count_index: count.then_some(Value::Unknown), each: for_each.then_some((Value::Unknown, Value::Unknown)) }
    }
}

#[derive(Debug, Default)]
struct Frame {
    vars: HashMap<String, Value>,
    locals: HashMap<String, Value>,
    resources: ResourceValues,
    outputs: BTreeMap<String, Value>,
}

/// Resource values by mode, type and name: looked up for every reference to a resource, by
/// the names the reference holds (no key is built for a lookup).
#[derive(Debug, Default)]
struct ResourceValues([HashMap<String, HashMap<String, Value>>; 2]);

impl ResourceValues {
    fn of(&self, mode: ResourceMode) -> &HashMap<String, HashMap<String, Value>> {
        &self.0[usize::from(mode == ResourceMode::Data)]
    }

    fn get(&self, mode: ResourceMode, ty: &str, name: &str) -> Option<&Value> {
        self.of(mode).get(ty)?.get(name)
    }

    fn insert(&mut self, mode: ResourceMode, ty: &str, name: &str, v: Value) {
        let by_type = &mut self.0[usize::from(mode == ResourceMode::Data)];
        let by_name = match by_type.get_mut(ty) {
            Some(m) => m,
            None => by_type.entry(ty.to_string()).or_default(),
        };
        by_name.insert(name.to_string(), v);
    }
}

struct Walker<'a> {
    mode: WalkMode,
    root_dir: PathBuf,
    vars: &'a VarValues,
    modules: HashMap<ModPath, &'a Module>,
    frames: HashMap<ModInst, Frame>,
    instances_of: HashMap<ModPath, Vec<ModInst>>,
    call_exp: HashMap<(ModInst, String), Expansion>,
    child_each: HashMap<ModInst, Each>,
    /// The dependencies of the node being evaluated (from the schedule).
    node_deps: Arc<BTreeSet<String>>,
    ctx: WalkContext,
    root: &'a Module,
    diags: Diagnostics,
    out: Evaluation,
}

/// Builds the graph of `root` and walks it.
pub fn walk(root: &Module, opts: &WalkOptions<'_>, hook: &mut dyn InstanceHook) -> (Evaluation, Diagnostics) {
    walk_scheduled(root, opts, hook, &mut None)
}

/// The dependency graph of a configuration and the order the walk takes its nodes in. It
/// depends only on the configuration, so walks of the same configuration (a plan and the
/// prediction that applies it) can share one.
pub struct Schedule {
    graph: DiGraph<NodeKey, ()>,
    order: Vec<NodeIndex>,
    /// By node index: the resources the node depends on, directly or through variables,
    /// locals, module calls and outputs (not through other resources): what state records and
    /// apply orders by. A resource's set leaves out the resource itself.
    deps: Vec<Arc<BTreeSet<String>>>,
    mode: WalkMode,
    /// What building the graph reported, until a walk takes it.
    diags: Diagnostics,
}

/// [`walk`], taking the graph and order from `schedule` when it holds them (for the same mode),
/// and leaving them there for the next walk of the same configuration.
pub fn walk_scheduled(
    root: &Module,
    opts: &WalkOptions<'_>,
    hook: &mut dyn InstanceHook,
    schedule: &mut Option<Schedule>,
) -> (Evaluation, Diagnostics) {
    let mut sched = match schedule.take().filter(|s| s.mode == opts.mode) {
        Some(s) => s,
        None => match Schedule::build(root, opts) {
            Ok(s) => s,
            Err(diags) => return (Evaluation::default(), diags),
        },
    };
    let (eval, diags) = walk_with(root, opts, hook, &sched);
    // What building the graph found belongs to the first walk that used it.
    let mut all = sched.take_diags();
    all.extend(diags);
    *schedule = Some(sched);
    (eval, all)
}

impl Schedule {
    /// Builds the dependency graph of `root` and the order to walk it in. A dependency cycle
    /// is an error (the diagnostics say where); anything else building reports is kept for
    /// the first walk that uses the schedule.
    pub fn build(root: &Module, opts: &WalkOptions<'_>) -> Result<Schedule, Diagnostics> {
        let mut w = Walker::new(root, opts);
        let (graph, spans) = w.build_graph();
        // Cycles are looked for while the order is worked out (which leaves out what a cycle
        // holds); the order is dropped when there is one.
        use rayon::prelude::*;
        let (sccs, (order, deps)) = rayon::join(
            || tarjan_scc(&graph),
            || {
                let keys: Vec<&NodeKey> = graph.node_weights().collect();
                let addresses: Vec<String> = keys.par_iter().map(|k| k.address()).collect();
                let order = topological_order(&graph, &addresses);
                let deps = resource_deps(&graph, &order, &addresses);
                (order, deps)
            },
        );
        if w.report_cycles(&graph, &spans, sccs) {
            return Err(std::mem::take(&mut w.diags));
        }
        Ok(Schedule { graph, order, deps, mode: opts.mode, diags: std::mem::take(&mut w.diags) })
    }

    /// What building the graph reported (unresolvable references and the like: a walk of
    /// this schedule does not report them again); empty after the first call.
    pub fn take_diags(&mut self) -> Diagnostics {
        std::mem::take(&mut self.diags)
    }
}

/// Each node's resource dependencies (see [`Schedule`]), in one pass over the order.
fn resource_deps(graph: &DiGraph<NodeKey, ()>, order: &[NodeIndex], addresses: &[String]) -> Vec<Arc<BTreeSet<String>>> {
    let mut deps: Vec<Arc<BTreeSet<String>>> = vec![Arc::default(); graph.node_count()];
    for &idx in order {
        let mut set = BTreeSet::new();
        for pred in graph.neighbors_directed(idx, petgraph::Direction::Incoming) {
            match &graph[pred] {
                NodeKey::Resource(..) => {
                    set.insert(addresses[pred.index()].clone());
                }
                _ => set.extend(deps[pred.index()].iter().cloned()),
            }
        }
        if let NodeKey::Resource(..) = &graph[idx] {
            set.remove(&addresses[idx.index()]);
        }
        deps[idx.index()] = Arc::new(set);
    }
    deps
}

/// Walks `root` in `sched`'s order (built by [`Schedule::build`] for the same configuration).
/// Walks of one schedule may run at the same time on different threads. The diagnostics are
/// the walk's own, not those of building the schedule.
pub fn walk_with(root: &Module, opts: &WalkOptions<'_>, hook: &mut dyn InstanceHook, sched: &Schedule) -> (Evaluation, Diagnostics) {
    let mut w = Walker::new(root, opts);
    let (graph, order) = (&sched.graph, &sched.order);
    for &idx in order {
        if hook.stop() {
            break;
        }
        w.node_deps = Arc::clone(&sched.deps[idx.index()]);
        w.eval_node(&graph[idx], hook);
    }
    w.eval_plcli(root);
    w.out.callers = std::mem::take(&mut w.ctx.callers);
    w.out.simulation = std::mem::take(&mut w.ctx.simulation);
    let diags = std::mem::take(&mut w.diags);
    (w.out, diags)
}

impl<'a> Walker<'a> {
    fn new(root: &'a Module, opts: &WalkOptions<'a>) -> Walker<'a> {
        let mut modules = HashMap::default();
        root.walk(&mut |m| {
            modules.insert(m.path.clone(), m);
        });
        Walker::fresh(opts.mode, opts.root_dir.clone(), opts.vars, modules, root)
    }

    /// A walker of the same configuration with nothing evaluated yet (for work on another
    /// thread).
    fn sibling(&self) -> Walker<'a> {
        Walker::fresh(self.mode, self.root_dir.clone(), self.vars, self.modules.clone(), self.root)
    }

    fn fresh(
        mode: WalkMode,
        root_dir: PathBuf,
        vars: &'a VarValues,
        modules: HashMap<ModPath, &'a Module>,
        root: &'a Module,
    ) -> Walker<'a> {
        let mut w = Walker {
            mode,
            root_dir,
            vars,
            modules,
            frames: HashMap::default(),
            instances_of: HashMap::default(),
            call_exp: HashMap::default(),
            child_each: HashMap::default(),
            node_deps: Arc::default(),
            ctx: WalkContext::default(),
            root,
            diags: Diagnostics::new(),
            out: Evaluation::default(),
        };
        w.frames.insert(Vec::new(), Frame::default());
        w.instances_of.insert(Vec::new(), vec![Vec::new()]);
        w
    }
}

/// Kahn's algorithm, taking ready nodes by (rank, address) so that the order, and so the IDs
/// the world assigns, never depend on anything but the configuration. Nodes are sorted by
/// that key once; the ready set holds their positions.
fn topological_order(graph: &DiGraph<NodeKey, ()>, addresses: &[String]) -> Vec<NodeIndex> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = graph.node_count();
    let mut by_key: Vec<usize> = (0..n).collect();
    use rayon::slice::ParallelSliceMut;
    by_key.par_sort_unstable_by(|&a, &b| {
        let (ka, kb) = (&graph[NodeIndex::new(a)], &graph[NodeIndex::new(b)]);
        (ka.rank(), &addresses[a], a).cmp(&(kb.rank(), &addresses[b], b))
    });
    let mut position = vec![0usize; n];
    for (p, &i) in by_key.iter().enumerate() {
        position[i] = p;
    }
    let mut indegree: Vec<usize> =
        graph.node_indices().map(|i| graph.neighbors_directed(i, petgraph::Direction::Incoming).count()).collect();
    let mut ready: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
    for i in graph.node_indices() {
        if indegree[i.index()] == 0 {
            ready.push(Reverse(position[i.index()]));
        }
    }
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(p)) = ready.pop() {
        let idx = NodeIndex::new(by_key[p]);
        order.push(idx);
        for next in graph.neighbors_directed(idx, petgraph::Direction::Outgoing) {
            indegree[next.index()] -= 1;
            if indegree[next.index()] == 0 {
                ready.push(Reverse(position[next.index()]));
            }
        }
    }
    order
}

impl<'a> Walker<'a> {
    fn module(&self, path: &ModPath) -> &'a Module {
        self.modules[path]
    }

    // ---------------------------------------------------------------- graph

    /// The dependency graph and each node's span (by node index). Nodes are numbered once,
    /// and every edge is found as a pair of node numbers (resources' on every core), so no
    /// key is cloned or hashed per edge.
    fn build_graph(&mut self) -> (DiGraph<NodeKey, ()>, Vec<Span>) {
        let mut paths: Vec<ModPath> = self.modules.keys().cloned().collect();
        paths.sort();
        let root = self.root;
        let sim_block = root.plcli.iter().find(|b| b.kind == "simulation");
        // Nodes first, in a fixed order: each module's, then the simulation block and the
        // root provider configurations (evaluated before the resources that act through them).
        let mut nodes: Vec<NodeKey> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        // Each resource with its node, in the order the edges below visit them.
        let mut resources: Vec<(&ModPath, &Resource, u32)> = Vec::new();
        for path in &paths {
            let m = self.module(path);
            let mut add = |k: NodeKey, span: Span| {
                nodes.push(k);
                spans.push(span);
                nodes.len() as u32 - 1
            };
            for (n, v) in &m.variables {
                add(NodeKey::Var(path.clone(), n.clone()), v.span);
            }
            for (n, l) in &m.locals {
                add(NodeKey::Local(path.clone(), n.clone()), l.span);
            }
            for ((mode, t, n), r) in &m.resources {
                let me = add(NodeKey::Resource(path.clone(), *mode, t.clone(), n.clone()), r.span);
                resources.push((path, &**r, me));
            }
            for (n, c) in &m.calls {
                add(NodeKey::Call(path.clone(), n.clone()), c.span);
            }
            for (n, o) in &m.outputs {
                add(NodeKey::Output(path.clone(), n.clone()), o.span);
            }
        }
        if let Some(b) = sim_block {
            nodes.push(NodeKey::Simulation);
            spans.push(b.span);
        }
        for (key, p) in &root.providers {
            nodes.push(NodeKey::Provider(key.clone()));
            spans.push(p.span);
        }
        let index: HashMap<&NodeKey, u32> = nodes.iter().enumerate().map(|(i, k)| (k, i as u32)).collect();
        let ix = |k: &NodeKey| index.get(k).copied();
        // What every resource refers to (most of the work for a large configuration), on
        // every core; used below in the same order as the resources are visited.
        let mut resource_refs = self.resource_refs(&resources, &index).into_iter();
        // Edges as (from, to) node numbers; an end that is not a node drops the edge.
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let push_all = |edges: &mut Vec<(u32, u32)>, deps: Vec<NodeKey>, me: u32| {
            edges.extend(deps.iter().filter_map(&ix).map(|d| (d, me)));
        };
        let simulation = sim_block.and_then(|_| ix(&NodeKey::Simulation));
        if let (Some(b), Some(me)) = (sim_block, simulation) {
            let mut refs = Vec::new();
            collect_body_refs(b.file, &b.body, &[], &mut refs);
            for r in refs {
                let deps = self.resolve(&Vec::new(), &r.subject, Some(&r), r.span);
                push_all(&mut edges, deps, me);
            }
        }
        for (key, p) in &root.providers {
            let Some(me) = ix(&NodeKey::Provider(key.clone())) else { continue };
            let mut refs = Vec::new();
            collect_body_refs(p.file, &p.body, &[], &mut refs);
            for r in refs {
                let deps = self.resolve(&Vec::new(), &r.subject, Some(&r), r.span);
                push_all(&mut edges, deps, me);
            }
            if let Some(s) = simulation {
                edges.push((s, me));
            }
        }
        for path in &paths {
            let m = self.module(path);
            let parent_call =
                (!path.is_empty()).then(|| ix(&NodeKey::Call(path[..path.len() - 1].to_vec(), path[path.len() - 1].clone()))).flatten();
            for (n, v) in &m.variables {
                let Some(me) = ix(&NodeKey::Var(path.clone(), n.clone())) else { continue };
                if !path.is_empty() {
                    if let Some(pc) = parent_call {
                        edges.push((pc, me));
                    }
                    let parent = &path[..path.len() - 1].to_vec();
                    let call = &self.module(parent).calls[&path[path.len() - 1]];
                    if let Some((_, _, e)) = call.args.iter().find(|(a, _, _)| a == n) {
                        let deps = self.deps_of(parent, call.file, e, &[]);
                        push_all(&mut edges, deps, me);
                    }
                }
                for val in &v.validations {
                    let deps = self.deps_of(path, v.file, &val.condition, &[]);
                    edges.extend(deps.iter().filter_map(&ix).filter(|d| *d != me).map(|d| (d, me)));
                }
            }
            for (n, l) in &m.locals {
                let Some(me) = ix(&NodeKey::Local(path.clone(), n.clone())) else { continue };
                let deps = self.deps_of(path, l.file, &l.expr, &[]);
                push_all(&mut edges, deps, me);
            }
            for _ in m.resources.keys() {
                // Resolved above for exactly these resources, in this order.
                let (me, provider, deps, diags) = resource_refs.next().expect("one result per resource");
                self.diags.extend(diags);
                if let Some(pc) = parent_call {
                    edges.push((pc, me));
                }
                if let Some(s) = simulation {
                    edges.push((s, me));
                }
                if let Some(p) = provider {
                    edges.push((p, me));
                }
                // A resource naming itself (not through `self`) keeps that edge: a cycle.
                edges.extend(deps.into_iter().map(|d| (d, me)));
            }
            for (n, c) in &m.calls {
                let Some(me) = ix(&NodeKey::Call(path.clone(), n.clone())) else { continue };
                if let Some(pc) = parent_call {
                    edges.push((pc, me));
                }
                for e in c.count.iter().chain(c.for_each.iter()) {
                    let deps = self.deps_of(path, c.file, e, &[]);
                    push_all(&mut edges, deps, me);
                }
                for (s, sp) in &c.depends_on {
                    let deps = self.resolve(path, s, None, *sp);
                    push_all(&mut edges, deps, me);
                }
                // Arguments that the child does not declare.
                if let ModuleSource::Loaded(child) = &c.module {
                    for (arg, sp, _) in &c.args {
                        if !child.variables.contains_key(arg) {
                            let mut d =
                                Diagnostic::error("unsupported_argument", "Unsupported argument").with_span(*sp).with_detail(format!(
                                    "An argument named \"{arg}\" is not expected here: module \"{n}\" declares no variable of that name."
                                ));
                            if let Some(s) = did_you_mean(arg, child.variables.keys().map(String::as_str)) {
                                d = d.with_help(format!("did you mean `{s}`?"));
                            }
                            self.diags.push(d);
                        }
                    }
                    for (vn, v) in &child.variables {
                        if v.default.is_none() && !c.args.iter().any(|(a, _, _)| a == vn) && v.nullable {
                            self.diags.push(
                                Diagnostic::error("missing_required_argument", "Missing required argument")
                                    .with_span(c.span)
                                    .with_detail(format!(
                                        "The argument \"{vn}\" is required by module \"{n}\", but no definition was found."
                                    ))
                                    .with_help(format!("add `{vn} = ...` to the module block")),
                            );
                        }
                    }
                }
            }
            for (n, o) in &m.outputs {
                let Some(me) = ix(&NodeKey::Output(path.clone(), n.clone())) else { continue };
                for e in o.value.iter().chain(o.preconditions.iter().map(|p| &p.condition)) {
                    let deps = self.deps_of(path, o.file, e, &[]);
                    push_all(&mut edges, deps, me);
                }
                for (s, sp) in &o.depends_on {
                    let deps = self.resolve(path, s, None, *sp);
                    push_all(&mut edges, deps, me);
                }
            }
        }
        drop(index);
        let mut graph = DiGraph::with_capacity(nodes.len(), edges.len());
        for k in nodes {
            graph.add_node(k);
        }
        // `update_edge` scans the source's edges: with every resource depending on its
        // provider configuration that is quadratic, so duplicates are dropped through a set.
        let mut seen = rustc_hash::FxHashSet::with_capacity_and_hasher(edges.len(), Default::default());
        for (a, b) in edges {
            if seen.insert((a, b)) {
                graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), ());
            }
        }
        (graph, spans)
    }

    /// For each resource (with its node): its node, its provider configuration's node (when
    /// that is a root provider block), the nodes it refers to, and what resolving that
    /// reported. The resources are resolved in parts on every core (each part by a walker of
    /// its own), the results kept in order.
    #[allow(clippy::type_complexity)]
    fn resource_refs(
        &self,
        resources: &[(&ModPath, &Resource, u32)],
        index: &HashMap<&NodeKey, u32>,
    ) -> Vec<(u32, Option<u32>, Vec<u32>, Diagnostics)> {
        let root = self.root;
        let one = |w: &mut Walker<'_>, &(path, r, me): &(&ModPath, &Resource, u32)| {
            let provider = w
                .resolve_provider(path, r)
                .filter(|pk| root.providers.contains_key(pk))
                .and_then(|pk| index.get(&NodeKey::Provider(pk)).copied());
            let deps = w.resource_deps(path, r).iter().filter_map(|d| index.get(d).copied()).collect();
            (me, provider, deps, std::mem::take(&mut w.diags))
        };
        use rayon::prelude::*;
        resources
            .par_chunks(1024)
            .map(|part| {
                let mut w = self.sibling();
                part.iter().map(|x| one(&mut w, x)).collect::<Vec<_>>()
            })
            .flatten_iter()
            .collect()
    }

    fn resource_deps(&mut self, path: &ModPath, r: &Resource) -> Vec<NodeKey> {
        let mut out = Vec::new();
        for e in r.count.iter().chain(r.for_each.iter()) {
            out.extend(self.deps_of(path, r.file, e, &[]));
        }
        let iterators = dynamic_iterators(&r.body);
        out.extend(self.body_deps(path, r.file, &r.body, &iterators));
        for (s, sp) in &r.depends_on {
            out.extend(self.resolve(path, s, None, *sp));
        }
        for c in r.lifecycle.preconditions.iter().chain(r.lifecycle.postconditions.iter()) {
            out.extend(self.deps_of(path, r.file, &c.condition, &[]));
            if let Some(m) = &c.error_message {
                out.extend(self.deps_of(path, r.file, m, &[]));
            }
        }
        for e in r.lifecycle.create_before_destroy.iter().chain(r.lifecycle.prevent_destroy.iter()) {
            out.extend(self.deps_of(path, r.file, e, &[]));
        }
        out
    }

    fn body_deps(&mut self, path: &ModPath, file: FileId, body: &Body, bound: &[String]) -> Vec<NodeKey> {
        let mut out = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => out.extend(self.deps_of(path, file, &a.value, bound)),
                Structure::Block(b) => out.extend(self.body_deps(path, file, &b.body, bound)),
            }
        }
        out
    }

    fn deps_of(&mut self, path: &ModPath, file: FileId, expr: &Expression, bound: &[String]) -> Vec<NodeKey> {
        let (refs, errors) = references_with_bound(file, expr, bound);
        self.diags.0.extend(errors);
        let mut out = Vec::new();
        for r in refs {
            out.extend(self.resolve(path, &r.subject, Some(&r), r.span));
        }
        out
    }

    /// The graph nodes a reference depends on; reports references to undeclared objects.
    fn resolve(&mut self, path: &ModPath, subject: &Subject, r: Option<&Reference>, span: Span) -> Vec<NodeKey> {
        let m = self.module(path);
        let undeclared = |kind: &str, name: &str, candidates: Vec<&str>, declare: &str| {
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
            let mut d =
                Diagnostic::error("undeclared_reference", format!("Reference to undeclared {kind}")).with_span(span).with_detail(format!(
                    "{article} {kind} named \"{name}\" has not been declared{}.",
                    if path.is_empty() { String::new() } else { format!(" in module.{}", path.join(".module.")) }
                ));
            d = match did_you_mean(name, candidates) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(declare.to_string()),
            };
            d
        };
        match subject {
            Subject::Var(n) => {
                if m.variables.contains_key(n) {
                    return vec![NodeKey::Var(path.clone(), n.clone())];
                }
                let d = undeclared(
                    "input variable",
                    n,
                    m.variables.keys().map(String::as_str).collect(),
                    &format!("declare it: variable \"{n}\" {{}}"),
                );
                self.diags.push(d);
            }
            Subject::Local(n) => {
                if m.locals.contains_key(n) {
                    return vec![NodeKey::Local(path.clone(), n.clone())];
                }
                let d = undeclared(
                    "local value",
                    n,
                    m.locals.keys().map(String::as_str).collect(),
                    &format!("define it in a locals block: {n} = ..."),
                );
                self.diags.push(d);
            }
            Subject::Resource { mode, ty, name } => {
                if m.resource(*mode, ty, name).is_some() {
                    return vec![NodeKey::Resource(path.clone(), *mode, ty.clone(), name.clone())];
                }
                let kind = if *mode == ResourceMode::Data { "data source" } else { "resource" };
                let addrs: Vec<String> = m.resources.values().filter(|r| r.mode == *mode).map(|r| r.address()).collect();
                let wanted = subject.address();
                let mut d = Diagnostic::error("undeclared_reference", format!("Reference to undeclared {kind}"))
                    .with_span(span)
                    .with_detail(format!(
                        "A {kind} \"{ty}\" \"{name}\" has not been declared in {}.",
                        if path.is_empty() { "the root module".to_string() } else { format!("module.{}", path.join(".module.")) }
                    ));
                if let Some(s) = did_you_mean(&wanted, addrs.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
            }
            Subject::Module(n) => {
                let Some(call) = m.calls.get(n) else {
                    let d = undeclared(
                        "module",
                        n,
                        m.calls.keys().map(String::as_str).collect(),
                        &format!("declare it: module \"{n}\" {{ source = \"./...\" }}"),
                    );
                    self.diags.push(d);
                    return Vec::new();
                };
                let mut child_path = path.clone();
                child_path.push(n.clone());
                match &call.module {
                    ModuleSource::Loaded(child) => {
                        let attr = r.and_then(|r| r.attr.as_ref());
                        match attr {
                            Some((out, sp)) => {
                                if child.outputs.contains_key(out) {
                                    return vec![NodeKey::Output(child_path, out.clone())];
                                }
                                // Indexing a counted module first ("module.x[0].out") has no
                                // attr here; an unknown output is reported during evaluation.
                                let mut d = Diagnostic::error("unsupported_attribute", "Unsupported attribute").with_span(*sp).with_detail(
                                    format!(
                                    "This object does not have an attribute named \"{out}\": module \"{n}\" has no output of that name."
                                ),
                                );
                                if let Some(s) = did_you_mean(out, child.outputs.keys().map(String::as_str)) {
                                    d = d.with_help(format!("did you mean `{s}`?"));
                                }
                                self.diags.push(d);
                            }
                            None => {
                                let mut v: Vec<NodeKey> =
                                    child.outputs.keys().map(|o| NodeKey::Output(child_path.clone(), o.clone())).collect();
                                v.push(NodeKey::Call(path.clone(), n.clone()));
                                return v;
                            }
                        }
                    }
                    ModuleSource::Unavailable(_) => return vec![NodeKey::Call(path.clone(), n.clone())],
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn report_cycles(&mut self, graph: &DiGraph<NodeKey, ()>, spans: &[Span], sccs: Vec<Vec<NodeIndex>>) -> bool {
        let mut found = false;
        for scc in sccs {
            let self_loop = scc.len() == 1 && graph.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            found = true;
            let mut members = scc;
            members.sort_by(|a, b| graph[*a].cmp(&graph[*b]));
            let names: Vec<String> = members.iter().map(|i| graph[*i].address()).collect();
            let first = members[0].index();
            let mut d = Diagnostic::error("dependency_cycle", format!("Cycle: {}", names.join(", ")))
                .with_span(spans[first])
                .with_detail(if self_loop {
                    format!("{} refers to itself.", names[0])
                } else {
                    format!("These {} objects depend on each other, so none of them can be evaluated first.", names.len())
                })
                .with_help("break the cycle: remove one of the references (or a depends_on) between them");
            for (i, name) in members.iter().zip(&names).skip(1) {
                d = d.with_related(spans[i.index()], format!("{name} is part of the cycle"));
            }
            self.diags.push(d);
        }
        found
    }

    // ---------------------------------------------------------------- evaluation

    fn instances(&self, path: &ModPath) -> Vec<ModInst> {
        self.instances_of.get(path).cloned().unwrap_or_default()
    }

    fn scope<'s>(&'s self, inst: &'s ModInst, path: &ModPath, each: Each) -> FrameScope<'s> {
        FrameScope { w: self, module: self.module(path), inst, each, self_value: None }
    }

    fn eval_node(&mut self, key: &NodeKey, hook: &mut dyn InstanceHook) {
        match key {
            NodeKey::Simulation => {
                let root = self.root;
                if let Some(b) = root.plcli.iter().find(|b| b.kind == "simulation") {
                    let v = self.eval_plcli_block(b);
                    let mut diags = Diagnostics::new();
                    self.ctx.simulation = crate::providers::simulation(std::slice::from_ref(&v), &mut diags);
                    self.diags.extend(diags);
                    self.out.plcli.push(v);
                }
            }
            NodeKey::Provider(k) => {
                let root = self.root;
                let p = &root.providers[k];
                let inst: ModInst = Vec::new();
                let path: ModPath = Vec::new();
                let is_aws = p.name == "aws" || root.required_providers.get(&p.name).is_some_and(|s| s.ends_with("hashicorp/aws"));
                let scope = self.scope(&inst, &path, Each::default());
                let mut diags = Diagnostics::new();
                let v = eval_body(
                    p.file,
                    &p.body,
                    if is_aws { Some(&Schemas::get().provider) } else { None },
                    &scope,
                    &format!("provider \"{}\"", p.name),
                    p.span,
                    &mut diags,
                );
                drop(scope);
                if is_aws {
                    let caller = crate::providers::caller_for(k, &v, &self.ctx.simulation, (p.file, p.span), &mut diags);
                    self.ctx.callers.insert(k.clone(), caller);
                }
                self.diags.extend(diags);
                self.out.provider_configs.insert(k.clone(), v);
            }
            NodeKey::Var(path, name) => self.eval_var(path, name),
            NodeKey::Local(path, name) => {
                let l = &self.module(path).locals[name];
                for inst in self.instances(path) {
                    let v = self.eval_in(&inst, path, Each::default(), l.file, &l.expr);
                    self.frame(&inst).locals.insert(name.clone(), v);
                }
            }
            NodeKey::Resource(path, mode, ty, name) => {
                let r = self.module(path).resource(*mode, ty, name).expect("node exists");
                for inst in self.instances(path) {
                    self.eval_resource(&inst, path, r, hook);
                }
            }
            NodeKey::Call(path, name) => self.eval_call(path, name),
            NodeKey::Output(path, name) => {
                let o = &self.module(path).outputs[name];
                for inst in self.instances(path) {
                    for p in &o.preconditions {
                        self.check_condition(&inst, path, Each::default(), None, o.file, p, "Module output value precondition failed");
                    }
                    let v = match &o.value {
                        Some(e) => self.eval_in(&inst, path, Each::default(), o.file, e),
                        None => Value::Null,
                    };
                    if path.is_empty() {
                        self.out.outputs.insert(name.clone(), (v.clone(), o.sensitive));
                    }
                    self.frame(&inst).outputs.insert(name.clone(), v);
                }
            }
        }
    }

    fn frame(&mut self, inst: &ModInst) -> &mut Frame {
        self.frames.entry(inst.clone()).or_default()
    }

    fn eval_in(&mut self, inst: &ModInst, path: &ModPath, each: Each, file: FileId, expr: &Expression) -> Value {
        let scope = self.scope(inst, path, each);
        let r = Evaluator::new(file, &scope).eval(expr);
        match r {
            Ok(v) => v,
            Err(d) => {
                self.diags.push(d);
                Value::Unknown
            }
        }
    }

    fn eval_var(&mut self, path: &ModPath, name: &str) {
        let var = &self.module(path).variables[name];
        for inst in self.instances(path) {
            let value = if path.is_empty() {
                match self.vars.values.get(name) {
                    Some(v) => v.clone(),
                    None if self.mode == WalkMode::Validate => Value::Unknown,
                    None => {
                        self.diags.push(
                            Diagnostic::error("no_value_for_required_variable", "No value for required variable")
                                .with_span(var.span)
                                .with_detail(format!("The root module input variable \"{name}\" is not set, and has no default value."))
                                .with_help(format!("use --var {name}=..., a --var-file, TF_VAR_{name} or a terraform.tfvars file")),
                        );
                        Value::Unknown
                    }
                }
            } else {
                let parent: ModInst = inst[..inst.len() - 1].to_vec();
                let parent_path: ModPath = path[..path.len() - 1].to_vec();
                let call = &self.module(&parent_path).calls[&path[path.len() - 1]];
                let each = self.child_each.get(&inst).cloned().unwrap_or_default();
                match call.args.iter().find(|(a, _, _)| a == name) {
                    Some((_, _, e)) => {
                        let v = self.eval_in(&parent, &parent_path, each, call.file, e);
                        match var.ty.convert(&v) {
                            Ok(v) => match (&v, &var.default) {
                                (Value::Null, Some(d)) if !var.nullable => d.clone(),
                                _ => v,
                            },
                            Err(m) => {
                                self.diags.push(
                                    Diagnostic::error("invalid_variable_value", format!("Invalid value for input variable \"{name}\""))
                                        .with_span(span_of(call.file, e))
                                        .with_detail(format!(
                                            "The given value is not suitable for module.{}'s variable \"{name}\": {m}.",
                                            path.join(".module.")
                                        ))
                                        .with_help(format!("the variable's type is {}", var.ty)),
                                );
                                Value::Unknown
                            }
                        }
                    }
                    None => var.default.clone().unwrap_or(Value::Unknown),
                }
            };
            self.frame(&inst).vars.insert(name.to_string(), value.clone());
            if !value.is_wholly_known() {
                continue;
            }
            for val in &var.validations {
                let vspan = if path.is_empty() { self.vars.spans.get(name).copied() } else { None };
                let scope = self.scope(&inst, path, Each::default());
                let r = Evaluator::new(var.file, &scope).eval(&val.condition);
                match r {
                    Ok(Value::Bool(false)) => {
                        let msg = val
                            .error_message
                            .as_ref()
                            .and_then(|m| Evaluator::new(var.file, &scope).eval(m).ok())
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_else(|| "The value does not satisfy the validation rule.".into());
                        let mut d = Diagnostic::error("invalid_variable_value", "Invalid value for variable")
                            .with_span(vspan.unwrap_or(var.span))
                            .with_detail(msg)
                            .with_help(format!("var.{name} must satisfy its validation condition"));
                        if vspan.is_some() {
                            d = d.with_related(val.span, "validation rule");
                        } else {
                            d.span = Some(val.span);
                        }
                        self.diags.push(d);
                    }
                    Ok(Value::Bool(true)) | Ok(Value::Unknown) => {}
                    Ok(other) => self.diags.push(
                        Diagnostic::error("invalid_validation_condition", "Invalid validation condition")
                            .with_span(span_of(var.file, &val.condition))
                            .with_detail(format!("The condition must be a bool, not {}.", other.type_name())),
                    ),
                    Err(d) => self.diags.push(d),
                }
            }
        }
    }

    fn expansion(
        &mut self,
        inst: &ModInst,
        path: &ModPath,
        file: FileId,
        count: Option<&Expression>,
        for_each: Option<&Expression>,
    ) -> Expansion {
        if let Some(e) = count {
            let v = self.eval_in(inst, path, Each::default(), file, e);
            let span = span_of(file, e);
            return match v {
                Value::Unknown => self.unknown_expansion("count", span),
                Value::Number(n) if n >= 0.0 && n.fract() == 0.0 && n < 1e7 => Expansion::Count(n as usize),
                Value::String(ref s) if s.parse::<usize>().is_ok() => Expansion::Count(s.parse().unwrap_or(0)),
                other => {
                    self.diags.push(Diagnostic::error("invalid_count", "Invalid count argument").with_span(span).with_detail(
                        match other {
                            Value::Number(n) => format!(
                                "The given \"count\" argument value is unsuitable: must be a whole number not less than zero, not {}.",
                                format_number(n)
                            ),
                            Value::Null => "The given \"count\" argument value is null. An integer is required.".into(),
                            o => format!("The given \"count\" argument value is unsuitable: number required, but have {}.", o.type_name()),
                        },
                    ));
                    Expansion::Unknown
                }
            };
        }
        if let Some(e) = for_each {
            let v = self.eval_in(inst, path, Each::default(), file, e);
            let span = span_of(file, e);
            let bad = |w: &mut Self, detail: String| {
                w.diags.push(
                    Diagnostic::error("invalid_for_each", "Invalid for_each argument")
                        .with_span(span)
                        .with_detail(detail)
                        .with_help("use a map, or a set of strings: for_each = toset(var.names)"),
                );
                Expansion::Unknown
            };
            return match v {
                Value::Unknown => self.unknown_expansion("for_each", span),
                Value::Map(m) | Value::Object(m) => {
                    if m.values().any(|_| false) {
                        unreachable!()
                    }
                    Expansion::ForEach(m.into_iter().map(|(k, v)| (k.into(), v)).collect())
                }
                Value::Set(items) => {
                    if items.iter().any(Value::is_unknown) {
                        return self.unknown_expansion("for_each", span);
                    }
                    let mut out = Vec::new();
                    for it in items {
                        match it {
                            Value::String(s) => out.push((s.to_string(), Value::String(s))),
                            Value::Null => return bad(self, "The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into()),
                            other => return bad(self, format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.", other.type_name())),
                        }
                    }
                    Expansion::ForEach(out)
                }
                Value::Null => bad(self, "The given \"for_each\" argument value is null. A map, or set of strings is allowed.".into()),
                other => bad(self, format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.", other.type_name())),
            };
        }
        Expansion::Single
    }

    fn unknown_expansion(&mut self, what: &str, span: Span) -> Expansion {
        if self.mode == WalkMode::Plan {
            self.diags.push(
                Diagnostic::error(if what == "count" { "invalid_count" } else { "invalid_for_each" }, format!("Invalid {what} argument"))
                    .with_span(span)
                    .with_detail(format!("The \"{what}\" value depends on resource attributes that cannot be determined until apply, so plcli cannot predict how many instances will be created."))
                    .with_help(format!("use values known before apply (variables, literals) in {what}, or apply the resources it depends on first with --target")),
            );
        }
        Expansion::Unknown
    }

    fn eval_call(&mut self, path: &ModPath, name: &str) {
        let call = &self.module(path).calls[name];
        let mut child_path = path.clone();
        child_path.push(name.to_string());
        for inst in self.instances(path) {
            let exp = self.expansion(&inst, path, call.file, call.count.as_ref(), call.for_each.as_ref());
            let keys = exp.keys();
            let mut child_insts = Vec::new();
            let keys = if matches!(exp, Expansion::Unknown) && self.mode == WalkMode::Validate {
                // Check the module's body once, with unknown keys.
                vec![(InstanceKey::None, Each::unknown(call.count.is_some(), call.for_each.is_some()))]
            } else {
                keys
            };
            for (k, each) in keys {
                let mut ci = inst.clone();
                ci.push((name.to_string(), k));
                self.child_each.insert(ci.clone(), each);
                self.frames.insert(ci.clone(), Frame::default());
                child_insts.push(ci);
            }
            self.call_exp.insert((inst.clone(), name.to_string()), exp);
            if matches!(call.module, ModuleSource::Loaded(_)) {
                self.instances_of.entry(child_path.clone()).or_default().extend(child_insts);
            }
        }
    }

    fn resolve_provider(&mut self, path: &ModPath, r: &Resource) -> Option<String> {
        let key = r.provider_key();
        let mut path = path.clone();
        let mut key = key;
        loop {
            let m = self.module(&path);
            if m.providers.contains_key(&key) {
                return Some(format!("{}{}", path.iter().map(|p| format!("module.{p}.")).collect::<String>(), key));
            }
            if path.is_empty() {
                return if key.contains('.') { None } else { Some(key) };
            }
            let parent: ModPath = path[..path.len() - 1].to_vec();
            let call = &self.module(&parent).calls[&path[path.len() - 1]];
            if call.providers.is_empty() {
                if key.contains('.') {
                    return None;
                }
            } else {
                match call.providers.iter().find(|(local, _)| *local == key) {
                    Some((_, p)) => key = p.key(),
                    None if key.contains('.') => return None,
                    None => {}
                }
            }
            path = parent;
        }
    }

    fn eval_resource(&mut self, inst: &ModInst, path: &ModPath, r: &'a Resource, hook: &mut dyn InstanceHook) {
        let schemas = Schemas::get();
        let schema = match r.mode {
            ResourceMode::Managed => schemas.resource(&r.ty),
            ResourceMode::Data => schemas.data_source(&r.ty),
        };
        if schema.is_none() {
            // An aws_ type the provider does not have is a typo, not an opaque type.
            if r.ty.starts_with("aws_") && !plcli_aws::is_provider_type(false, &r.ty) && !plcli_aws::is_provider_type(true, &r.ty) {
                let mut d = Diagnostic::error("invalid_resource_type", "Invalid resource type")
                    .with_span(r.type_span)
                    .with_detail(format!("The provider hashicorp/aws does not support resource type \"{}\".", r.ty));
                if let Some(s) = did_you_mean(&r.ty, plcli_aws::provider_types(false)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
            } else {
                self.out.not_simulated.entry(r.ty.clone()).or_insert(r.type_span);
            }
        }
        let is_aws = r.ty.starts_with("aws_");
        if !self.ctx.callers.contains_key("aws") && !self.root.providers.contains_key("aws") {
            let c = crate::providers::default_caller(&self.ctx.simulation);
            self.ctx.callers.insert("aws".into(), c);
        }
        let provider = match self.resolve_provider(path, r) {
            Some(p) => p,
            None => {
                if is_aws || r.provider.is_some() {
                    let key = r.provider_key();
                    self.diags.push(
                        Diagnostic::error("undefined_provider", format!("Provider configuration not present: {key}"))
                            .with_span(r.provider.as_ref().map(|p| p.span).unwrap_or(r.span))
                            .with_detail(format!(
                                "{} refers to the provider configuration {key}, which is not declared{}.",
                                r.address(),
                                if path.is_empty() {
                                    String::new()
                                } else {
                                    " or passed to this module with providers = { ... }".to_string()
                                }
                            ))
                            .with_help(format!(
                                "add provider \"{}\" {{ alias = \"{}\" }}",
                                key.split('.').next().unwrap_or("aws"),
                                key.split('.').nth(1).unwrap_or("")
                            )),
                    );
                }
                r.provider_key()
            }
        };
        let exp = self.expansion(inst, path, r.file, r.count.as_ref(), r.for_each.as_ref());
        let mut keys = exp.keys();
        let unknown = matches!(exp, Expansion::Unknown);
        if unknown {
            keys = vec![(InstanceKey::None, Each::unknown(r.count.is_some(), r.for_each.is_some()))];
        }
        let prefix = inst_prefix(inst);
        let resource_address = if prefix.is_empty() { r.address() } else { format!("{prefix}{}", r.address()) };
        let depends_on = Arc::clone(&self.node_deps);
        let configured = Arc::clone(&r.configured);
        let mut values = Vec::new();
        for (key, each) in keys {
            let scope = self.scope(inst, path, each.clone());
            let mut diags = Diagnostics::new();
            let config = eval_body(r.file, &r.body, schema, &scope, &r.ty, r.span, &mut diags);
            let cbd = r.lifecycle.create_before_destroy.as_ref().map(|e| Evaluator::new(r.file, &scope).eval(e));
            let pd = r.lifecycle.prevent_destroy.as_ref().map(|e| Evaluator::new(r.file, &scope).eval(e));
            drop(scope);
            self.diags.extend(diags);
            let flag = |w: &mut Self, v: Option<Result<Value, Diagnostic>>| match v {
                None => false,
                Some(Ok(Value::Bool(b))) => b,
                Some(Ok(_)) => false,
                Some(Err(d)) => {
                    w.diags.push(d);
                    false
                }
            };
            let create_before_destroy = flag(self, cbd);
            let prevent_destroy = flag(self, pd);
            for (name, sp) in &r.lifecycle.ignore_changes {
                if let Some(s) = schema {
                    if !s.attributes.contains_key(name) && !s.blocks.contains_key(name) {
                        let mut d = Diagnostic::error("unsupported_attribute", "Unsupported attribute in ignore_changes")
                            .with_span(*sp)
                            .with_detail(format!("{} has no attribute named \"{name}\".", r.ty));
                        if let Some(sug) = did_you_mean(name, s.names()) {
                            d = d.with_help(format!("did you mean `{sug}`?"));
                        }
                        self.diags.push(d);
                    }
                }
            }
            for p in &r.lifecycle.preconditions {
                self.check_condition(inst, path, each.clone(), None, r.file, p, "Resource precondition failed");
            }
            let mut record = InstanceRecord {
                address: match key {
                    InstanceKey::None => resource_address.clone(),
                    _ => format!("{resource_address}{}", key.suffix()),
                },
                resource_address: resource_address.clone(),
                module: inst.clone(),
                mode: r.mode,
                ty: r.ty.clone(),
                name: r.name.clone(),
                key: key.clone(),
                provider: provider.clone(),
                config,
                configured: Arc::clone(&configured),
                depends_on: Arc::clone(&depends_on),
                file: r.file,
                span: r.span,
                create_before_destroy,
                prevent_destroy,
                simulated: schema.is_some(),
            };
            let value = hook.instance_value(&mut record, schema, &self.ctx);
            for p in &r.lifecycle.postconditions {
                if value.is_wholly_known() || self.mode == WalkMode::Validate {
                    self.check_condition(inst, path, each.clone(), Some(value.clone()), r.file, p, "Resource postcondition failed");
                }
            }
            if !unknown && hook.keep_instances() {
                self.out.instances.push(record);
            }
            values.push((key, value));
        }
        let combined = if unknown { Value::Unknown } else { exp.combine(values) };
        self.frame(inst).resources.insert(r.mode, &r.ty, &r.name, combined);
    }

    #[allow(clippy::too_many_arguments)]
    fn check_condition(
        &mut self,
        inst: &ModInst,
        path: &ModPath,
        each: Each,
        self_value: Option<Value>,
        file: FileId,
        c: &plcli_config::Validation,
        summary: &str,
    ) {
        let mut scope = self.scope(inst, path, each);
        scope.self_value = self_value;
        let r = Evaluator::new(file, &scope).eval(&c.condition);
        let d = match r {
            Ok(Value::Bool(false)) => {
                let msg = c
                    .error_message
                    .as_ref()
                    .and_then(|m| Evaluator::new(file, &scope).eval(m).ok())
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "The condition is false.".into());
                Some(Diagnostic::error("condition_failed", summary).with_span(span_of(file, &c.condition)).with_detail(msg))
            }
            Ok(Value::Bool(true) | Value::Unknown) => None,
            Ok(other) => Some(
                Diagnostic::error("invalid_condition", "Invalid condition result")
                    .with_span(span_of(file, &c.condition))
                    .with_detail(format!("The condition must be a bool, not {}.", other.type_name())),
            ),
            Err(d) => Some(d),
        };
        drop(scope);
        if let Some(d) = d {
            self.diags.push(d);
        }
    }

    fn eval_plcli(&mut self, root: &Module) {
        for b in root.plcli.iter().filter(|b| b.kind != "simulation") {
            let v = self.eval_plcli_block(b);
            self.out.plcli.push(v);
        }
        // The implicit default provider, when none is declared.
        if !self.ctx.callers.contains_key("aws") {
            let c = crate::providers::default_caller(&self.ctx.simulation);
            self.ctx.callers.insert("aws".into(), c);
        }
    }

    /// `module.a[...].module.b.TYPE.NAME[...]` as an address, when it names a declared
    /// resource of a loaded child module.
    fn module_resource_address(&mut self, file: FileId, expr: &Expression) -> Option<String> {
        let Expression::Traversal(t) = expr else { return None };
        let Expression::Variable(root) = &t.expr else { return None };
        if root.as_str() != "module" {
            return None;
        }
        let mut out = String::from("module");
        let mut module = self.root;
        let mut ops = t.operators.iter().map(|o| o.value()).peekable();
        let mut steps: Vec<String> = Vec::new();
        // module NAME [key] (module NAME [key])* TYPE NAME [key]
        loop {
            let Some(TraversalOperator::GetAttr(name)) = ops.next() else { return None };
            let call = module.calls.get(name.as_str())?;
            out.push('.');
            out.push_str(name.as_str());
            if let Some(TraversalOperator::Index(e)) = ops.peek() {
                let key = Evaluator::new(file, &plcli_eval::NoScope::HERE).eval(e).ok()?;
                out.push_str(&match key {
                    Value::Number(n) => format!("[{}]", format_number(n)),
                    Value::String(s) => format!("[{}]", serde_json_string(&s)),
                    _ => return None,
                });
                ops.next();
            }
            let ModuleSource::Loaded(child) = &call.module else { return None };
            module = child;
            match ops.peek() {
                Some(TraversalOperator::GetAttr(next)) if next.as_str() == "module" => {
                    ops.next();
                    out.push_str(".module");
                }
                _ => break,
            }
        }
        for op in ops {
            match op {
                TraversalOperator::GetAttr(a) => steps.push(format!(".{}", a.as_str())),
                TraversalOperator::Index(e) => match Evaluator::new(file, &plcli_eval::NoScope::HERE).eval(e).ok()? {
                    Value::Number(n) => steps.push(format!("[{}]", format_number(n))),
                    Value::String(s) => steps.push(format!("[{}]", serde_json_string(&s))),
                    _ => return None,
                },
                TraversalOperator::LegacyIndex(i) => steps.push(format!("[{}]", i.value())),
                _ => return None,
            }
        }
        let (ty, name) = (steps.first()?.strip_prefix('.')?.to_string(), steps.get(1)?.strip_prefix('.')?.to_string());
        if module.resource(ResourceMode::Managed, &ty, &name).is_none() {
            let addrs: Vec<String> = module.resources.values().map(|r| r.address()).collect();
            let mut d = Diagnostic::error("undeclared_reference", "Reference to undeclared resource")
                .with_span(span_of(file, expr))
                .with_detail(format!("{out} declares no resource \"{ty}\" \"{name}\"."));
            if let Some(s) = did_you_mean(&format!("{ty}.{name}"), addrs.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.diags.push(d);
            return Some(String::new());
        }
        Some(format!("{out}.{}", steps.concat().trim_start_matches('.')))
    }

    fn eval_plcli_block(&mut self, b: &plcli_config::PlcliBlock) -> PlcliValue {
        const ALLOWED: &[(&str, &[&str])] = &[
            ("simulation", &["region", "default_account", "profiles"]),
            ("path", &["from", "to", "port", "protocol", "expect", "security_group_ids"]),
            ("scenario", &["failed_az_ids", "unhealthy_targets", "description"]),
        ];
        let inst: ModInst = Vec::new();
        {
            let allowed = ALLOWED.iter().find(|(k, _)| *k == b.kind).map(|(_, a)| *a).unwrap_or(&[]);
            let mut value = PlcliValue {
                kind: b.kind.clone(),
                name: b.name.clone(),
                file: b.file,
                span: b.span,
                attrs: BTreeMap::new(),
                blocks: Vec::new(),
            };
            for s in b.body.iter() {
                match s {
                    Structure::Attribute(a) => {
                        let name = a.key.as_str();
                        if !allowed.contains(&name) {
                            let mut d = Diagnostic::error("unsupported_argument", "Unsupported argument")
                                .with_span(span_of(b.file, &a.key))
                                .with_detail(format!("An argument named \"{name}\" is not expected in a {} block.", b.kind));
                            if let Some(sug) = did_you_mean(name, allowed.iter().copied()) {
                                d = d.with_help(format!("did you mean `{sug}`?"));
                            }
                            self.diags.push(d);
                            continue;
                        }
                        let attr = self.plcli_attr(&inst, b.file, &a.value);
                        value.attrs.insert(name.to_string(), attr);
                    }
                    Structure::Block(nb) if b.kind == "simulation" && nb.ident.as_str() == "account" => {
                        let label = nb.labels.first().map(|l| l.as_str().to_string());
                        if label.is_none() {
                            self.diags.push(
                                Diagnostic::error("invalid_block_labels", "Missing label for account block")
                                    .with_span(span_of(b.file, &nb.ident))
                                    .with_detail(
                                        "An account block is labelled with the 12-digit account ID: account \"222222222222\" { ... }.",
                                    ),
                            );
                        }
                        let mut attrs = BTreeMap::new();
                        for s in nb.body.iter() {
                            match s {
                                Structure::Attribute(a) if ["az_ids", "quotas"].contains(&a.key.as_str()) => {
                                    let attr = self.plcli_attr(&inst, b.file, &a.value);
                                    attrs.insert(a.key.as_str().to_string(), attr);
                                }
                                Structure::Attribute(a) => {
                                    let mut d = Diagnostic::error("unsupported_argument", "Unsupported argument")
                                        .with_span(span_of(b.file, &a.key))
                                        .with_detail(format!(
                                            "An argument named \"{}\" is not expected in an account block.",
                                            a.key.as_str()
                                        ));
                                    if let Some(sug) = did_you_mean(a.key.as_str(), ["az_ids", "quotas"]) {
                                        d = d.with_help(format!("did you mean `{sug}`?"));
                                    }
                                    self.diags.push(d);
                                }
                                Structure::Block(x) => self.diags.push(
                                    Diagnostic::error("unsupported_block_type", "Unsupported block type")
                                        .with_span(span_of(b.file, &x.ident))
                                        .with_detail("An account block accepts az_ids and quotas."),
                                ),
                            }
                        }
                        value.blocks.push(("account".into(), label, attrs, span_of(b.file, &nb.ident)));
                    }
                    Structure::Block(nb) => self.diags.push(
                        Diagnostic::error("unsupported_block_type", "Unsupported block type")
                            .with_span(span_of(b.file, &nb.ident))
                            .with_detail(format!("Blocks of type \"{}\" are not expected in a {} block.", nb.ident.as_str(), b.kind)),
                    ),
                }
            }
            let required: &[&str] = match b.kind.as_str() {
                "path" => &["from", "to", "port"],
                _ => &[],
            };
            for req in required {
                if !value.attrs.contains_key(*req) {
                    self.diags.push(
                        Diagnostic::error("missing_required_argument", "Missing required argument")
                            .with_span(b.span)
                            .with_detail(format!("The argument \"{req}\" is required in a {} block, but no definition was found.", b.kind)),
                    );
                }
            }
            value
        }
    }

    fn plcli_attr(&mut self, inst: &ModInst, file: FileId, expr: &Expression) -> PlcliAttr {
        let path: ModPath = Vec::new();
        // plcli blocks may name a resource inside a module by its address:
        // module.consumer.aws_subnet.this["a"] (Terraform itself cannot refer to those).
        if let Some(addr) = self.module_resource_address(file, expr) {
            return PlcliAttr { value: Value::Unknown, reference: Some(addr), span: span_of(file, expr) };
        }
        let deps = self.deps_of(&path, file, expr, &[]);
        let reference = match (expr, deps.as_slice()) {
            (Expression::Traversal(_), [NodeKey::Resource(..)]) => {
                let (refs, _) = references_with_bound(file, expr, &[]);
                refs.first().map(|r| r.subject.address())
            }
            _ => None,
        };
        let value = self.eval_in(inst, &path, Each::default(), file, expr);
        PlcliAttr { value, reference, span: span_of(file, expr) }
    }
}

fn dynamic_iterators(body: &Body) -> Vec<String> {
    let mut out = Vec::new();
    for s in body.iter() {
        if let Structure::Block(b) = s {
            if b.ident.as_str() == "dynamic" {
                let mut name = b.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default();
                for s in b.body.iter() {
                    if let Structure::Attribute(a) = s {
                        if a.key.as_str() == "iterator" {
                            if let Expression::Variable(v) = &a.value {
                                name = v.as_str().to_string();
                            }
                        }
                    }
                }
                out.push(name);
            }
            out.extend(dynamic_iterators(&b.body));
        }
    }
    out
}

fn collect_body_refs(file: FileId, body: &Body, bound: &[String], out: &mut Vec<Reference>) {
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => out.extend(references_with_bound(file, &a.value, bound).0),
            Structure::Block(b) => collect_body_refs(file, &b.body, bound, out),
        }
    }
}

struct FrameScope<'s> {
    w: &'s Walker<'s>,
    module: &'s Module,
    inst: &'s ModInst,
    each: Each,
    self_value: Option<Value>,
}

impl Scope for FrameScope<'_> {
    fn lookup(&self, subject: &Subject, span: Span) -> Result<Value, Diagnostic> {
        let frame = self.w.frames.get(self.inst);
        match subject {
            // Undeclared names were reported while building the graph.
            Subject::Var(n) => Ok(frame.and_then(|f| f.vars.get(n)).cloned().unwrap_or(Value::Unknown)),
            Subject::Local(n) => Ok(frame.and_then(|f| f.locals.get(n)).cloned().unwrap_or(Value::Unknown)),
            Subject::Resource { mode, ty, name } => Ok(frame.and_then(|f| f.resources.get(*mode, ty, name)).cloned().unwrap_or(Value::Unknown)),
            Subject::Module(n) => {
                let Some(call) = self.module.calls.get(n) else { return Ok(Value::Unknown) };
                if !matches!(call.module, ModuleSource::Loaded(_)) {
                    return Ok(Value::Unknown);
                }
                let Some(exp) = self.w.call_exp.get(&(self.inst.clone(), n.clone())) else { return Ok(Value::Unknown) };
                let outputs_of = |k: InstanceKey| -> Value {
                    let mut ci = self.inst.clone();
                    ci.push((n.clone(), k));
                    match self.w.frames.get(&ci) {
                        Some(f) => Value::Object(f.outputs.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                        None => Value::Unknown,
                    }
                };
                let values: Vec<(InstanceKey, Value)> = exp.keys().into_iter().map(|(k, _)| (k.clone(), outputs_of(k))).collect();
                Ok(exp.combine(values))
            }
            Subject::CountIndex => self.each.count_index.clone().ok_or_else(|| {
                Diagnostic::error("invalid_count_reference", "Reference to \"count\" in non-counted context")
                    .with_span(span)
                    .with_detail("The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.")
            }),
            Subject::EachKey | Subject::EachValue => match &self.each.each {
                Some((k, v)) => Ok(if matches!(subject, Subject::EachKey) { k.clone() } else { v.clone() }),
                None => Err(Diagnostic::error("invalid_each_reference", "Reference to \"each\" in context without for_each")
                    .with_span(span)
                    .with_detail("The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.")),
            },
            Subject::PathModule => Ok(Value::String(relative_dir(&self.w.root_dir, &self.module.dir).into())),
            Subject::PathRoot => Ok(Value::String(".".into())),
            Subject::PathCwd => Ok(Value::String(std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| ".".into()).into())),
            Subject::TerraformWorkspace => Ok(Value::String("default".into())),
            Subject::SelfRef => self.self_value.clone().ok_or_else(|| {
                Diagnostic::error("invalid_self_reference", "Invalid \"self\" reference")
                    .with_span(span)
                    .with_detail("The \"self\" object is not available in this context. It can be used only in postcondition blocks (and provisioners) of a resource.")
            }),
        }
    }

    fn with_lookup(
        &self,
        subject: &Subject,
        span: Span,
        f: &mut dyn FnMut(&Value) -> Result<Value, Diagnostic>,
    ) -> Result<Value, Diagnostic> {
        // Lend what the frame holds: a resource with for_each is one object of every instance.
        let frame = self.w.frames.get(self.inst);
        let held = match subject {
            Subject::Var(n) => frame.and_then(|f| f.vars.get(n)),
            Subject::Local(n) => frame.and_then(|f| f.locals.get(n)),
            Subject::Resource { mode, ty, name } => frame.and_then(|f| f.resources.get(*mode, ty, name)),
            Subject::EachValue if self.each.each.is_some() => self.each.each.as_ref().map(|(_, v)| v),
            _ => return f(&self.lookup(subject, span)?),
        };
        f(held.unwrap_or(&Value::Unknown))
    }

    fn func_context(&self) -> FuncContext {
        FuncContext { base_dir: self.module.dir.clone(), ..FuncContext::default() }
    }
}

fn relative_dir(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => dir.display().to_string(),
    }
}
