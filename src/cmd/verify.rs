//! `plcli verify`: end-to-end path checks (SPEC §6).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::time::Duration;

use clap::Args;
use plcli_engine::{Failure, PlanOptions, Planned};
use plcli_graph::PlcliValue;
use plcli_lang::Value;
use plcli_syntax::{Diagnostic, SourceMap};
use plcli_verify::{verify_path, Context, CreateFailure, PathSpec, Scenario, Source, Target, Verdict};

use super::workflow::{make_plan, open, Session};
use crate::ui::Ui;
use crate::GlobalArgs;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Check only this path (repeatable; default: every declared path, or derived ones).
    #[arg(long = "path", value_name = "NAME")]
    pub paths: Vec<String>,
    /// Apply a what-if scenario block (failed AZ IDs, unhealthy targets).
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Verify what the current plan would build: apply it to an in-memory copy of the world,
    /// writing nothing.
    #[arg(long)]
    pub planned: bool,
    /// Print the report as JSON (SPEC §6's shape).
    #[arg(long)]
    pub json: bool,
}

/// Checks every path, each independently of the others: on every core, the results in the
/// paths' order.
fn verify_all(specs: &[PathSpec], ctx: &Context<'_>) -> Vec<plcli_verify::PathResult> {
    use rayon::prelude::*;
    specs.par_iter().with_min_len(64).map(|p| verify_path(p, ctx)).collect()
}

fn err(ui: &Ui, d: Diagnostic) -> u8 {
    ui.print_diagnostics(&d.into(), &SourceMap::new());
    1
}

pub fn run(global: &GlobalArgs, args: &VerifyArgs, ui: &Ui) -> u8 {
    let mut s = match open(global, Duration::ZERO, "verify", false, ui) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Paths need the evaluated configuration, not the changes (except to apply them first).
    let opts = PlanOptions { refresh: true, values_only: !args.planned, ..PlanOptions::default() };
    if !args.planned {
        // The state does not change: its IDs are indexed while the plan is made.
        let (ws, loaded, state, world) = (&s.ws, &*s.loaded, &*s.state, &mut *s.world);
        let (planned, maps) = std::thread::scope(|sc| {
            let maps = sc.spawn(|| id_maps(state));
            let planned = std::mem::ManuallyDrop::new(plcli_engine::plan(ws, loaded, state, world, &opts));
            (planned, maps.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        return check_paths(&s, args, ui, &planned, &[], maps);
    }
    let mut planned = make_plan(&mut s, &opts);
    if planned.diags.has_errors() {
        ui.print_diagnostics(&planned.diags.clone().sorted(), &s.loaded.sources);
        return 1;
    }
    let mut failures: Vec<Failure> = Vec::new();
    if args.planned {
        // Apply to in-memory copies, then look at the result with values known.
        let report = plcli_engine::apply_in_memory(&s.loaded, &mut s.state, &mut s.world, &planned.plan, &planned.prior);
        failures = report.failures;
        let non_api: Vec<Diagnostic> = report.diags.iter().filter(|d| d.code != "api_error").cloned().collect();
        if !non_api.is_empty() {
            ui.print_diagnostics(&plcli_syntax::Diagnostics(non_api), &s.loaded.sources);
            return 1;
        }
        planned = make_plan(&mut s, &PlanOptions { refresh: false, values_only: true, ..PlanOptions::default() });
    }
    let maps = id_maps(&s.state);
    check_paths(&s, args, ui, &planned, &failures, maps)
}

/// Cloud ID → address and address → cloud ID, borrowed from the state (one entry per
/// instance, tens of thousands of them).
type IdMaps<'a> = (HashMap<&'a str, &'a str>, HashMap<&'a str, &'a str>);

fn id_maps(state: &plcli_state::State) -> IdMaps<'_> {
    let mut id_to_addr: HashMap<&str, &str> = HashMap::with_capacity(state.instances.len());
    let mut addr_to_id: HashMap<&str, &str> = HashMap::with_capacity(state.instances.len());
    for (addr, inst) in &state.instances {
        if let Some(id) = inst.id() {
            id_to_addr.entry(id).or_insert(addr.as_str());
            addr_to_id.insert(addr.as_str(), id);
        }
    }
    (id_to_addr, addr_to_id)
}

/// Derives (or takes the declared) paths, checks them and reports; the exit code.
fn check_paths(s: &Session, args: &VerifyArgs, ui: &Ui, planned: &Planned, failures: &[Failure], maps: IdMaps<'_>) -> u8 {
    if planned.diags.has_errors() {
        ui.print_diagnostics(&planned.diags.clone().sorted(), &s.loaded.sources);
        return 1;
    }
    let Planned { eval, .. } = planned;
    let (id_to_addr, addr_to_id) = maps;
    let mut decl: HashMap<&str, (&str, usize)> = HashMap::new();
    for r in &eval.instances {
        let loc = s.loaded.sources.try_get(r.span.file).map(|f| (f.name.as_str(), f.pos(r.span.start).line)).unwrap_or_default();
        decl.insert(r.address.as_str(), loc);
        decl.entry(r.resource_address.as_str()).or_insert(loc);
    }
    let locate = |key: &str| -> Option<(String, String, usize)> {
        let addr = id_to_addr.get(key).copied().unwrap_or(key);
        let (file, line) = decl.get(addr).or_else(|| decl.get(addr.split('[').next().unwrap_or(addr)))?;
        Some((addr.to_string(), file.to_string(), *line))
    };
    // The scenario.
    let mut scenario = Scenario::default();
    if let Some(name) = &args.scenario {
        let Some(b) = eval.plcli.iter().find(|b| b.kind == "scenario" && b.name.as_deref() == Some(name.as_str())) else {
            let known: Vec<&str> = eval.plcli.iter().filter(|b| b.kind == "scenario").filter_map(|b| b.name.as_deref()).collect();
            return err(
                ui,
                Diagnostic::error("unknown_scenario", format!("No scenario named \"{name}\""))
                    .with_detail(format!("Declared scenarios: {}.", if known.is_empty() { "none".into() } else { known.join(", ") })),
            );
        };
        scenario = scenario_of(b);
    }
    let specs = path_specs(eval, &s.state, &s.world, &addr_to_id, failures);
    let specs: Vec<PathSpec> =
        if args.paths.is_empty() { specs } else { specs.into_iter().filter(|p| args.paths.contains(&p.name)).collect() };
    if !args.paths.is_empty() && specs.len() != args.paths.len() {
        return err(
            ui,
            Diagnostic::error("unknown_path", format!("No path named {}", args.paths.join(", ")))
                .with_help("plcli verify --json lists every path's name"),
        );
    }
    let ctx = Context { world: &s.world, locate: &locate, scenario: &scenario };
    let all_ok = if args.json {
        let results = verify_all(&specs, &ctx);
        println!("{}", serde_json::to_string_pretty(&plcli_verify::to_json(&results)).unwrap_or_default());
        results.iter().all(|r| r.ok)
    } else {
        // Checked and printed a batch at a time: the report of ten thousand paths is never
        // held whole.
        let mut out = std::io::stdout().lock();
        let results = specs.chunks(4096).flat_map(|batch| verify_all(batch, &ctx));
        let (total, ok) = plcli_verify::render_text_to(results, ui.color_out, &mut |chunk| {
            let _ = out.write_all(chunk.as_bytes());
        });
        let _ = out.flush();
        ok == total
    };
    if all_ok {
        0
    } else {
        2
    }
}

fn scenario_of(b: &PlcliValue) -> Scenario {
    let mut sc = Scenario::default();
    if let Some(a) = b.attrs.get("failed_az_ids") {
        sc.failed_az_ids = a.value.as_seq().map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default();
    }
    if let Some(a) = b.attrs.get("unhealthy_targets") {
        let items: Vec<Value> = match &a.value {
            v if v.is_seq() => v.as_seq().unwrap_or(&[]).to_vec(),
            v => vec![v.clone()],
        };
        let mut targets = BTreeSet::new();
        for it in items {
            for k in ["target_id", "id"] {
                if let Some(v) = it.get_attr(k).and_then(Value::as_str) {
                    targets.insert(v.to_string());
                }
            }
        }
        sc.unhealthy_targets = targets;
    }
    sc
}

/// A refused endpoint creation, with the principal that tried (its provider's).
fn create_failure(f: &Failure, eval: &plcli_graph::Evaluation) -> CreateFailure {
    let principal =
        eval.instances.iter().find(|r| r.address == f.address).and_then(|r| eval.callers.get(&r.provider)).map(|c| c.principal.clone());
    CreateFailure { code: f.code.clone(), message: f.message.clone(), address: f.address.clone(), principal }
}

fn verdict(s: &str) -> Verdict {
    if s == "unreachable" {
        Verdict::Unreachable
    } else {
        Verdict::Reachable
    }
}

/// Declared paths, or (with none declared) one per interface endpoint × listener port ×
/// endpoint subnet.
fn path_specs(
    eval: &plcli_graph::Evaluation,
    state: &plcli_state::State,
    world: &plcli_sim::World,
    addr_to_id: &HashMap<&str, &str>,
    failures: &[Failure],
) -> Vec<PathSpec> {
    let declared: Vec<&PlcliValue> = eval.plcli.iter().filter(|b| b.kind == "path").collect();
    let failed_endpoints: BTreeMap<&str, &Failure> =
        failures.iter().filter(|f| f.ty == "aws_vpc_endpoint").map(|f| (f.address.as_str(), f)).collect();
    if !declared.is_empty() {
        return declared
            .iter()
            .map(|b| {
                let attr = |k: &str| b.attrs.get(k);
                let from_addr = attr("from").and_then(|a| a.reference.clone()).unwrap_or_default();
                let source = addr_to_id.get(from_addr.as_str()).map(|id| {
                    if from_addr.contains("aws_subnet.") {
                        let sgs = attr("security_group_ids")
                            .and_then(|a| a.value.as_seq().map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()))
                            .unwrap_or_default();
                        Source::Subnet { id: id.to_string(), security_groups: sgs }
                    } else {
                        Source::Instance { id: id.to_string() }
                    }
                });
                let to_attr = attr("to");
                let (target, to_label) = match to_attr.and_then(|a| a.reference.clone()) {
                    Some(addr) => {
                        let id = addr_to_id.get(addr.as_str()).map(|s| s.to_string()).unwrap_or_default();
                        (if addr.contains("aws_vpc_endpoint_service.") { Target::Service { id } } else { Target::Endpoint { id } }, addr)
                    }
                    None => {
                        let n = to_attr.and_then(|a| a.value.as_str().map(str::to_string)).unwrap_or_default();
                        (Target::Name(n.clone()), n)
                    }
                };
                // Under --planned, an endpoint the API refused: the path's VPC has it.
                let src_vpc = source.as_ref().and_then(|s| match s {
                    Source::Instance { id } => world
                        .get(id)
                        .and_then(|o| world.get(o.attrs.get_attr("subnet_id")?.as_str()?))
                        .and_then(|sn| sn.attrs.get_attr("vpc_id")?.as_str().map(str::to_string)),
                    Source::Subnet { id, .. } => world.get(id).and_then(|o| o.attrs.get_attr("vpc_id")?.as_str().map(str::to_string)),
                    Source::AnyOfVpc { vpc_id } => Some(vpc_id.clone()),
                });
                let create_failure = failed_endpoints
                    .values()
                    .find(|f| {
                        let fv = f.config.get_attr("vpc_id").and_then(Value::as_str);
                        fv.is_some() && fv == src_vpc.as_deref() || to_attr.and_then(|a| a.reference.as_deref()) == Some(f.address.as_str())
                    })
                    .map(|f| create_failure(f, eval));
                PathSpec {
                    name: b.name.clone().unwrap_or_default(),
                    from_label: from_addr,
                    to_label,
                    source,
                    target,
                    port: attr("port").and_then(|a| a.value.as_number()).unwrap_or(0.0) as u16,
                    expect: verdict(attr("expect").and_then(|a| a.value.as_str()).unwrap_or("reachable")),
                    only_subnet: None,
                    create_failure,
                }
            })
            .collect();
    }
    let mut out = Vec::new();
    let addr_of_id: HashMap<&str, &str> = addr_to_id.iter().map(|(a, i)| (*i, *a)).collect();
    for r in eval
        .instances
        .iter()
        .filter(|r| r.ty == "aws_vpc_endpoint" && r.config.get_attr("vpc_endpoint_type").and_then(Value::as_str) == Some("Interface"))
    {
        let service_name = r.config.get_attr("service_name").and_then(Value::as_str).unwrap_or("");
        let svc = world.referencing("service_name", service_name, Some("aws_vpc_endpoint_service")).into_iter().next();
        let Some(svc) = svc else { continue };
        let svc_obj = world.get(&svc);
        let lb = svc_obj.and_then(|o| {
            o.attrs
                .get_attr("network_load_balancer_arns")
                .and_then(Value::as_seq)
                .and_then(|s| s.first().and_then(|x| x.as_str().map(str::to_string)))
        });
        let mut ports: Vec<u16> = lb
            .map(|lb| {
                world
                    .referencing("load_balancer_arn", &lb, Some("aws_lb_listener"))
                    .iter()
                    .filter_map(|l| world.get(l).and_then(|o| o.attrs.get_attr("port").and_then(Value::as_number)))
                    .map(|p| p as u16)
                    .collect()
            })
            .unwrap_or_default();
        ports.sort();
        if let Some(f) = failed_endpoints.get(r.address.as_str()) {
            for port in &ports {
                out.push(PathSpec {
                    name: format!("{}:{port}", r.address),
                    from_label: "any address of the endpoint's VPC".into(),
                    to_label: r.address.clone(),
                    source: None,
                    target: Target::Endpoint { id: String::new() },
                    port: *port,
                    expect: Verdict::Reachable,
                    only_subnet: None,
                    create_failure: Some(create_failure(f, eval)),
                });
            }
            continue;
        }
        let Some(ep_id) = state.instances.get(&r.address).and_then(|i| i.id()) else { continue };
        let Some(ep) = world.get(ep_id) else { continue };
        let vpc = ep.attrs.get_attr("vpc_id").and_then(Value::as_str).unwrap_or("").to_string();
        let private = r.config.get_attr("private_dns_enabled").and_then(Value::as_bool).unwrap_or(false);
        let to = if private {
            svc_obj.and_then(|o| o.attrs.get_attr("private_dns_name").and_then(Value::as_str)).unwrap_or("").to_string()
        } else {
            ep.attrs
                .get_attr("dns_entry")
                .and_then(Value::as_seq)
                .and_then(|e| e.first())
                .and_then(|x| x.get_attr("dns_name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let subnets: Vec<String> = ep
            .attrs
            .get_attr("subnet_ids")
            .and_then(Value::as_seq)
            .map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let vpc_label = addr_of_id.get(vpc.as_str()).map(|s| s.to_string()).unwrap_or_else(|| vpc.clone());
        for port in &ports {
            for sn in &subnets {
                let sn_label = addr_of_id.get(sn.as_str()).map(|s| s.to_string()).unwrap_or_else(|| sn.clone());
                out.push(PathSpec {
                    name: format!("{}:{port}:{sn_label}", r.address),
                    from_label: format!("any address of {vpc_label}"),
                    to_label: to.clone(),
                    source: Some(Source::AnyOfVpc { vpc_id: vpc.clone() }),
                    target: Target::Name(to.clone()),
                    port: *port,
                    expect: Verdict::Reachable,
                    only_subnet: Some(sn.clone()),
                    create_failure: None,
                });
            }
        }
    }
    out
}
