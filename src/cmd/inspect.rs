//! `plcli show`, `plcli output`, `plcli state ...`, `plcli graph`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use plcli_lang::Value;
use plcli_plan::render_value;
use plcli_state::{InstanceState, State};
use plcli_syntax::{Diagnostic, SourceMap};
use serde_json::{json, Value as Json};

use super::workflow::workspace;
use crate::ui::Ui;
use crate::GlobalArgs;

fn read_state(global: &GlobalArgs, ui: &Ui) -> Result<State, u8> {
    let ws = workspace(global, Duration::ZERO);
    ws.read_state().map_err(|e| {
        ui.print_diagnostics(&e.into(), &SourceMap::new());
        1
    })
}

fn provider_name(provider: &str) -> String {
    provider.split('"').nth(1).unwrap_or("registry.terraform.io/hashicorp/aws").to_string()
}

/// `terraform show -json`'s state shape.
pub fn state_json(st: &State) -> Json {
    let res = |i: &InstanceState| {
        let mut r = json!({
            "address": i.address(), "mode": i.mode, "type": i.ty, "name": i.name,
            "provider_name": provider_name(&i.provider), "schema_version": 0,
            "values": i.attributes.to_json(), "sensitive_values": {},
        });
        if !i.index_key.is_null() {
            r["index"] = i.index_key.clone();
        }
        if !i.dependencies.is_empty() {
            r["depends_on"] = json!(i.dependencies);
        }
        r
    };
    let root: Vec<Json> = st.instances.values().filter(|i| i.module.is_empty()).map(res).collect();
    let mut children: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for i in st.instances.values().filter(|i| !i.module.is_empty()) {
        children.entry(i.module.clone()).or_default().push(res(i));
    }
    let mut root_module = json!({"resources": root});
    if !children.is_empty() {
        root_module["child_modules"] = json!(children.into_iter().map(|(a, r)| json!({"address": a, "resources": r})).collect::<Vec<_>>());
    }
    json!({
        "format_version": "1.0",
        "terraform_version": "1.11.4",
        "values": {
            "outputs": st.outputs.iter().map(|(k, o)| (k.clone(), json!({"sensitive": o.sensitive, "value": o.value.to_json(), "type": plcli_state_type(&o.value)}))).collect::<serde_json::Map<_, _>>(),
            "root_module": root_module,
        },
    })
}

fn plcli_state_type(v: &Value) -> Json {
    match v {
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::List(_) | Value::Tuple(_) | Value::Set(_) => json!(["list", "dynamic"]),
        Value::Map(_) | Value::Object(_) => json!(["map", "dynamic"]),
        _ => json!("dynamic"),
    }
}

fn render_instance(i: &InstanceState) -> String {
    let mut out = format!("# {}:\n{} \"{}\" \"{}\" {{\n", i.address(), if i.mode == "data" { "data" } else { "resource" }, i.ty, i.name);
    if let Some(m) = i.attributes.as_map() {
        let shown: Vec<(&plcli_lang::Key, &Value)> = m.iter().filter(|(_, v)| !v.is_null()).collect();
        let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in shown {
            out.push_str(&format!("    {k:width$} = {}\n", render_value(v, 4)));
        }
    }
    out.push_str("}\n");
    out
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Print JSON in the shape of `terraform show -json`.
    #[arg(long)]
    pub json: bool,
    /// A saved plan to show instead of the state.
    #[arg(value_name = "PLANFILE")]
    pub plan_file: Option<PathBuf>,
}

pub fn run_show(global: &GlobalArgs, args: &ShowArgs, ui: &Ui) -> u8 {
    if let Some(pf) = &args.plan_file {
        let j: Json = match std::fs::read(pf).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            Some(j) => j,
            None => {
                ui.print_diagnostics(
                    &Diagnostic::error("invalid_plan_file", format!("Cannot read plan file {}", pf.display()))
                        .with_detail("It is not a plan saved by plcli plan --out.")
                        .into(),
                    &SourceMap::new(),
                );
                return 1;
            }
        };
        if args.json {
            println!("{}", serde_json::to_string(&j["plan"]).unwrap_or_default());
        } else {
            for c in j["plan"]["resource_changes"].as_array().unwrap_or(&vec![]) {
                let actions: Vec<&str> =
                    c["change"]["actions"].as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
                if actions != ["no-op"] && actions != ["read"] {
                    println!("  # {} will be {}", c["address"].as_str().unwrap_or(""), actions.join(", then "));
                }
            }
        }
        return 0;
    }
    let st = match read_state(global, ui) {
        Ok(s) => s,
        Err(c) => return c,
    };
    if args.json {
        println!("{}", serde_json::to_string(&state_json(&st)).unwrap_or_default());
        return 0;
    }
    if st.instances.is_empty() && st.outputs.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return 0;
    }
    for i in st.instances.values() {
        println!("{}", render_instance(i));
    }
    if !st.outputs.is_empty() {
        println!("\nOutputs:\n");
        for (k, o) in &st.outputs {
            println!("{k} = {}", if o.sensitive { "(sensitive value)".into() } else { render_value(&o.value, 0) });
        }
    }
    0
}

#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Print JSON: `{"NAME": {"value", "type", "sensitive"}}`, or with NAME just the value.
    #[arg(long)]
    pub json: bool,
    /// Print a string, number or bool output without quotes (for scripts).
    #[arg(long)]
    pub raw: bool,
    /// The output to print (default: all).
    pub name: Option<String>,
}

pub fn run_output(global: &GlobalArgs, args: &OutputArgs, ui: &Ui) -> u8 {
    let st = match read_state(global, ui) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match &args.name {
        None => {
            if args.json {
                let m: serde_json::Map<String, Json> = st
                    .outputs
                    .iter()
                    .map(|(k, o)| {
                        (k.clone(), json!({"sensitive": o.sensitive, "type": plcli_state_type(&o.value), "value": o.value.to_json()}))
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&Json::Object(m)).unwrap_or_default());
            } else if st.outputs.is_empty() {
                eprintln!("Warning: No outputs found\n\nThe state file either has no outputs defined, or all the defined outputs are empty. Run plcli apply to populate them.");
            } else {
                for (k, o) in &st.outputs {
                    println!("{k} = {}", if o.sensitive { "<sensitive>".into() } else { render_value(&o.value, 0) });
                }
            }
            0
        }
        Some(name) => {
            let Some(o) = st.outputs.get(name) else {
                ui.print_diagnostics(
                    &Diagnostic::error("output_not_found", format!("Output \"{name}\" not found"))
                        .with_detail("The output variable requested could not be found in the state file. If you recently added it to your configuration, run plcli apply.")
                        .into(),
                    &SourceMap::new(),
                );
                return 1;
            };
            if args.json {
                println!("{}", serde_json::to_string(&o.value.to_json()).unwrap_or_default());
            } else if args.raw {
                match o.value.to_template_string() {
                    Some(s) => print!("{s}"),
                    None => {
                        eprintln!("Error: Unsupported value for raw output: the value of \"{name}\" is a {}; --raw supports only strings, numbers and bools. Use --json.", o.value.type_name());
                        return 1;
                    }
                }
            } else {
                println!("{}", render_value(&o.value, 0));
            }
            0
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List the resource instances in the state.
    List {
        /// Only addresses starting with these.
        addresses: Vec<String>,
    },
    /// Show one resource instance.
    Show { address: String },
    /// Forget resource instances (the objects stay in the world).
    Rm {
        #[arg(required = true)]
        addresses: Vec<String>,
    },
    /// Move a resource instance (or a whole resource) to another address.
    Mv { source: String, destination: String },
}

fn matches_addr(addr: &str, pattern: &str) -> bool {
    addr == pattern || addr.starts_with(&format!("{pattern}[")) || addr.starts_with(&format!("{pattern}."))
}

/// Splits `module.a["x"].aws_vpc.main[0]` into (module, mode, type, name, index_key).
fn parse_address(addr: &str) -> Option<(String, String, String, String, Json)> {
    let mut rest = addr;
    let mut module = Vec::new();
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find('.')?;
        let mut seg = &r[..end];
        let mut after = &r[end + 1..];
        if let Some(b) = r.find('[') {
            if b < end {
                let close = r[b..].find("].")? + b;
                seg = &r[..close + 1];
                after = &r[close + 2..];
            }
        }
        module.push(format!("module.{seg}"));
        rest = after;
    }
    let (mode, rest) = match rest.strip_prefix("data.") {
        Some(r) => ("data", r),
        None => ("managed", rest),
    };
    let (ty, rest) = rest.split_once('.')?;
    let (name, key) = match rest.find('[') {
        Some(i) => {
            let k = rest[i + 1..].strip_suffix(']')?;
            let key: Json = serde_json::from_str(k).ok()?;
            (&rest[..i], key)
        }
        None => (rest, Json::Null),
    };
    Some((module.join("."), mode.to_string(), ty.to_string(), name.to_string(), key))
}

/// Locks the state for surgery, finishing an interrupted apply first, and reads it.
fn locked_state(ws: &plcli_engine::Workspace, operation: &str, ui: &Ui) -> Result<(Vec<plcli_state::Lock>, State), u8> {
    let fail = |e: plcli_engine::WorkspaceError| {
        ui.print_diagnostics(&e.into(), &SourceMap::new());
        1
    };
    let journal = ws.journal_path().exists();
    let locks = ws.lock(operation, journal).map_err(fail)?;
    if journal {
        ws.recover().map_err(fail)?;
    }
    let st = ws.read_state().map_err(fail)?;
    Ok((locks, st))
}

pub fn run_state(global: &GlobalArgs, cmd: &StateCommand, ui: &Ui) -> u8 {
    let ws = workspace(global, Duration::ZERO);
    let empty = SourceMap::new();
    match cmd {
        StateCommand::List { addresses } => {
            let st = match read_state(global, ui) {
                Ok(s) => s,
                Err(c) => return c,
            };
            for a in st.instances.keys().filter(|a| addresses.is_empty() || addresses.iter().any(|p| matches_addr(a, p))) {
                println!("{a}");
            }
            0
        }
        StateCommand::Show { address } => {
            let st = match read_state(global, ui) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match st.instances.get(address) {
                Some(i) => {
                    print!("{}", render_instance(i));
                    0
                }
                None => {
                    eprintln!("Error: No instance found for the given address!\n\nThis command requires that the address references one specific instance. To view the available instances, use \"plcli state list\".");
                    1
                }
            }
        }
        StateCommand::Rm { addresses } => {
            let (_locks, mut st) = match locked_state(&ws, "state rm", ui) {
                Ok(x) => x,
                Err(c) => return c,
            };
            let doomed: Vec<String> = st.instances.keys().filter(|a| addresses.iter().any(|p| matches_addr(a, p))).cloned().collect();
            if doomed.is_empty() {
                eprintln!("Error: Invalid target address\n\nNo matching objects found. To view the available instances, use \"plcli state list\".");
                return 1;
            }
            for a in &doomed {
                st.instances.remove(a);
                println!("Removed {a}");
            }
            st.serial += 1;
            if let Err(e) = ws.write_state(&st) {
                ui.print_diagnostics(&e.into(), &empty);
                return 1;
            }
            println!("Successfully removed {} resource instance(s).", doomed.len());
            0
        }
        StateCommand::Mv { source, destination } => {
            let (_locks, mut st) = match locked_state(&ws, "state mv", ui) {
                Ok(x) => x,
                Err(c) => return c,
            };
            let moving: Vec<String> =
                st.instances.keys().filter(|a| *a == source || a.starts_with(&format!("{source}["))).cloned().collect();
            if moving.is_empty() {
                eprintln!("Error: Invalid source address\n\nCannot move {source}: it does not match anything in the current state.");
                return 1;
            }
            let mut moved = Vec::new();
            for a in moving {
                let new_addr = format!("{destination}{}", &a[source.len()..]);
                if st.instances.contains_key(&new_addr) {
                    eprintln!("Error: Invalid target address\n\nCannot move to {new_addr}: there is already a resource instance at that address in the current state.");
                    return 1;
                }
                let Some((module, mode, ty, name, key)) = parse_address(&new_addr) else {
                    eprintln!("Error: Invalid target address \"{destination}\"");
                    return 1;
                };
                let Some(mut inst) = st.instances.remove(&a) else { continue };
                if inst.ty != ty || inst.mode != mode {
                    eprintln!("Error: Invalid state move request\n\nCannot move {a} to {new_addr}: the source and destination resource types differ.");
                    return 1;
                }
                inst.module = module;
                inst.name = name;
                inst.index_key = key;
                moved.push((a, new_addr.clone()));
                st.instances.insert(new_addr, inst);
            }
            st.serial += 1;
            if let Err(e) = ws.write_state(&st) {
                ui.print_diagnostics(&e.into(), &empty);
                return 1;
            }
            for (a, b) in moved {
                println!("Move \"{a}\" to \"{b}\"");
            }
            println!("Successfully moved 1 object(s).");
            0
        }
    }
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
    /// Draw the PrivateLink topology (consumer VPC → endpoint ENIs per AZ → service → NLB →
    /// targets) of the applied world instead of the dependency graph.
    #[arg(long)]
    pub topology: bool,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

fn emit(format: GraphFormat, nodes: &[(String, String)], edges: &[(String, String, String)]) -> String {
    let id = |s: &str| format!("n{:x}", s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3)));
    let mut out = String::new();
    match format {
        GraphFormat::Dot => {
            out.push_str("digraph {\n  compound = \"true\"\n  newrank = \"true\"\n  rankdir = \"LR\"\n");
            for (n, label) in nodes {
                out.push_str(&format!("  \"{}\" [label = \"{}\"]\n", id(n), label.replace('"', "\\\"")));
            }
            for (a, b, l) in edges {
                if l.is_empty() {
                    out.push_str(&format!("  \"{}\" -> \"{}\"\n", id(a), id(b)));
                } else {
                    out.push_str(&format!("  \"{}\" -> \"{}\" [label = \"{}\"]\n", id(a), id(b), l.replace('"', "\\\"")));
                }
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart LR\n");
            for (n, label) in nodes {
                out.push_str(&format!("  {}[\"{}\"]\n", id(n), label.replace('"', "#quot;")));
            }
            for (a, b, l) in edges {
                if l.is_empty() {
                    out.push_str(&format!("  {} --> {}\n", id(a), id(b)));
                } else {
                    out.push_str(&format!("  {} -->|{}| {}\n", id(a), l.replace('|', "/"), id(b)));
                }
            }
        }
    }
    out
}

pub fn run_graph(global: &GlobalArgs, args: &GraphArgs, ui: &Ui) -> u8 {
    if args.topology {
        let ws = workspace(global, Duration::ZERO);
        let world = match ws.read_world() {
            Ok(w) => w,
            Err(e) => {
                ui.print_diagnostics(&e.into(), &SourceMap::new());
                return 1;
            }
        };
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let attr = |id: &str, k: &str| world.get(id).and_then(|o| o.attrs.get_attr(k).cloned()).unwrap_or(Value::Null);
        let strs =
            |v: Value| v.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect::<Vec<_>>()).unwrap_or_default();
        for (id, o) in &world.objects {
            match o.ty.as_str() {
                "aws_vpc_endpoint" => {
                    let vpc = attr(id, "vpc_id").as_str().unwrap_or("").to_string();
                    nodes.push((vpc.clone(), format!("VPC {vpc} ({})", o.account)));
                    nodes.push((id.clone(), format!("endpoint {id} [{}]", attr(id, "state").as_str().unwrap_or(""))));
                    edges.push((vpc, id.clone(), String::new()));
                    for eni in strs(attr(id, "network_interface_ids")) {
                        let az = attr(&eni, "availability_zone_id").as_str().unwrap_or("").to_string();
                        nodes.push((eni.clone(), format!("ENI {} {}", attr(&eni, "private_ip").as_str().unwrap_or(""), az)));
                        edges.push((id.clone(), eni.clone(), String::new()));
                        if let Some(svc) = o.internal.get("service_id").and_then(Value::as_str) {
                            edges.push((eni, svc.to_string(), az));
                        }
                    }
                }
                "aws_vpc_endpoint_service" => {
                    nodes.push((id.clone(), format!("service {}", attr(id, "service_name").as_str().unwrap_or(id))));
                    for lb in strs(attr(id, "network_load_balancer_arns")) {
                        nodes.push((lb.clone(), format!("NLB {}", attr(&lb, "name").as_str().unwrap_or(""))));
                        edges.push((id.clone(), lb, String::new()));
                    }
                }
                "aws_lb_listener" => {
                    let lb = attr(id, "load_balancer_arn").as_str().unwrap_or("").to_string();
                    for act in attr(id, "default_action").as_seq().unwrap_or(&[]) {
                        if let Some(tg) = act.get_attr("target_group_arn").and_then(Value::as_str) {
                            nodes.push((tg.to_string(), format!("target group {}", attr(tg, "name").as_str().unwrap_or(""))));
                            edges.push((
                                lb.clone(),
                                tg.to_string(),
                                format!(
                                    "{}:{}",
                                    attr(id, "protocol").as_str().unwrap_or(""),
                                    plcli_lang::format_number(attr(id, "port").as_number().unwrap_or(0.0))
                                ),
                            ));
                        }
                    }
                }
                "aws_lb_target_group_attachment" => {
                    let tg = attr(id, "target_group_arn").as_str().unwrap_or("").to_string();
                    let target = attr(id, "target_id").as_str().unwrap_or("").to_string();
                    nodes.push((target.clone(), format!("target {target}")));
                    edges.push((tg, target, String::new()));
                }
                _ => {}
            }
        }
        nodes.sort();
        nodes.dedup_by(|a, b| a.0 == b.0);
        print!("{}", emit(args.format, &nodes, &edges));
        return 0;
    }
    let mut sources = SourceMap::new();
    let (root, diags) = plcli_config::load_config(&global.dir, &mut sources);
    if diags.has_errors() {
        ui.print_diagnostics(&diags, &sources);
        return 1;
    }
    let (vars, _) = plcli_config::variables::collect(&root, &global.dir, &super::tf_var_env(), &super::cli_vars(), &mut sources);
    let opts = plcli_graph::WalkOptions { mode: plcli_graph::WalkMode::Validate, vars: &vars, root_dir: global.dir.clone() };
    let (eval, diags) = plcli_graph::walk(&root, &opts, &mut plcli_graph::DefaultHook);
    if diags.has_errors() {
        ui.print_diagnostics(&diags.sorted(), &sources);
        return 1;
    }
    let mut nodes: Vec<(String, String)> = Vec::new();
    let mut edges = Vec::new();
    for r in &eval.instances {
        let n = plcli_state::strip_instance_keys(&r.resource_address);
        nodes.push((n.clone(), n.clone()));
        for d in r.depends_on.iter() {
            edges.push((n.clone(), d.clone(), String::new()));
        }
    }
    nodes.sort();
    nodes.dedup();
    edges.sort();
    edges.dedup();
    print!("{}", emit(args.format, &nodes, &edges));
    0
}
