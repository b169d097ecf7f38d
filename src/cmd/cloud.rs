//! `plcli cloud`: the simulated AWS API (SPEC §8) — the calls seed 004's runbook makes by
//! hand (describe the service and its connections, accept or reject, start the private DNS
//! verification, describe the endpoint, dig the name), answered from the world in the AWS
//! CLI's JSON shapes, as the caller `--as` names (default: the root's default provider).
//!
//! Read-only calls read the world file as it is (it is only ever replaced atomically);
//! calls that change it (accept, reject, start verification) take the world lock and write
//! it atomically, so the next `plcli plan` of a root that manages the objects sees the change
//! as drift.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use plcli_engine::Workspace;
use plcli_lang::Value;
use plcli_sim::{ApiError, Caller, Object, World};
use plcli_syntax::{Diagnostic, SourceMap};
use serde_json::{json, Map, Value as Json};

use super::workflow::{parse_duration, workspace};
use crate::ui::Ui;
use crate::GlobalArgs;

#[derive(Args, Debug)]
pub struct CloudArgs {
    /// Who makes the call: a 12-digit account ID (its root), an IAM role or user ARN, or a
    /// provider of the root (aws.ALIAS). Default: the root's default `aws` provider.
    #[arg(long = "as", global = true, value_name = "ACCOUNT_OR_ARN")]
    pub caller: Option<String>,
    /// A JMESPath expression applied to the output, as the AWS CLI's --query.
    #[arg(long, global = true, value_name = "JMESPATH")]
    pub query: Option<String>,
    /// Output format, as the AWS CLI's --output.
    #[arg(long, global = true, value_enum, default_value = "json", value_name = "FORMAT")]
    pub output: OutputFormat,
    /// How long a call that changes the world waits for the world lock (e.g. 5s).
    #[arg(long, global = true, default_value = "0s", value_parser = parse_duration, value_name = "DURATION")]
    pub lock_timeout: Duration,
    #[command(subcommand)]
    pub command: CloudCommand,
}

/// `--output`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Text,
    Table,
}

#[derive(Subcommand, Debug)]
pub enum CloudCommand {
    /// Amazon EC2: endpoint services, their connections, interface endpoints, AZs.
    #[command(subcommand)]
    Ec2(Ec2Command),
    /// The DNS resolver of a VPC (the runbook's `dig`).
    #[command(subcommand)]
    Dns(DnsCommand),
    /// Connection notifications (Connect, Accept, Reject, Delete), in order.
    Events(EventsArgs),
}

#[derive(Subcommand, Debug)]
pub enum Ec2Command {
    /// Provider side: your endpoint services (AZs, acceptance, private DNS verification).
    DescribeVpcEndpointServiceConfigurations(ServiceConfigsArgs),
    /// Provider side: the principals allowed to connect to one of your services.
    DescribeVpcEndpointServicePermissions(ServiceIdArgs),
    /// Consumer side: the endpoint services you may connect to, in your AZ names.
    DescribeVpcEndpointServices(ServicesArgs),
    /// Provider side: the endpoints connected to your services, and their states.
    DescribeVpcEndpointConnections(ConnectionsArgs),
    /// Provider side: accept pending endpoint connections.
    AcceptVpcEndpointConnections(ConnectionIdsArgs),
    /// Provider side: reject pending or accepted endpoint connections.
    RejectVpcEndpointConnections(ConnectionIdsArgs),
    /// Consumer side: your VPC endpoints (state, ENIs, DNS names).
    DescribeVpcEndpoints(EndpointsArgs),
    /// Provider side: check the TXT record that proves ownership of the private DNS name now.
    StartVpcEndpointServicePrivateDnsVerification(ServiceIdArgs),
    /// Your AZ names and the AZ IDs they map to.
    DescribeAvailabilityZones(AzArgs),
}

#[derive(Args, Debug)]
pub struct ServiceConfigsArgs {
    /// Only these services (vpce-svc-...).
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub service_ids: Vec<String>,
    /// Name=N,Values=V1,V2 (service-id, service-name, service-state, tag:KEY, tag-key).
    #[arg(long, num_args = 1.., value_name = "FILTER")]
    pub filters: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ServicesArgs {
    /// Only these service names (com.amazonaws.vpce.REGION.vpce-svc-...).
    #[arg(long, num_args = 1.., value_name = "NAME")]
    pub service_names: Vec<String>,
    /// Name=N,Values=V1,V2 (owner, service-name, service-type, service-region, tag:KEY, tag-key).
    #[arg(long, num_args = 1.., value_name = "FILTER")]
    pub filters: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ConnectionsArgs {
    /// Name=N,Values=V1,V2 (service-id, vpc-endpoint-id, vpc-endpoint-owner, vpc-endpoint-state,
    /// vpc-endpoint-region, ip-address-type).
    #[arg(long, num_args = 1.., value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Shorthand for --filters Name=service-id,Values=ID.
    #[arg(long, value_name = "ID")]
    pub service_id: Option<String>,
}

#[derive(Args, Debug)]
pub struct ConnectionIdsArgs {
    /// The endpoint service (vpce-svc-...).
    #[arg(long, value_name = "ID")]
    pub service_id: String,
    /// The endpoints (vpce-...).
    #[arg(long, num_args = 1.., required = true, value_name = "ID")]
    pub vpc_endpoint_ids: Vec<String>,
}

#[derive(Args, Debug)]
pub struct EndpointsArgs {
    /// Only these endpoints (vpce-...).
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub vpc_endpoint_ids: Vec<String>,
    /// Name=N,Values=V1,V2 (vpc-id, vpc-endpoint-id, vpc-endpoint-state, vpc-endpoint-type,
    /// service-name, ip-address-type, tag:KEY, tag-key).
    #[arg(long, num_args = 1.., value_name = "FILTER")]
    pub filters: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ServiceIdArgs {
    /// The endpoint service (vpce-svc-...).
    #[arg(long, value_name = "ID")]
    pub service_id: String,
}

#[derive(Args, Debug)]
pub struct AzArgs {
    /// Only these AZ names.
    #[arg(long, num_args = 1.., value_name = "NAME")]
    pub zone_names: Vec<String>,
    /// Only these AZ IDs.
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub zone_ids: Vec<String>,
    /// Name=N,Values=V1,V2 (zone-name, zone-id, region-name, state, zone-type).
    #[arg(long, num_args = 1.., value_name = "FILTER")]
    pub filters: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum DnsCommand {
    /// Resolve a name as a host in the VPC would (empty Answers when it does not resolve).
    Resolve(ResolveArgs),
}

#[derive(Args, Debug)]
pub struct ResolveArgs {
    /// The name to look up.
    pub name: String,
    /// The VPC whose resolver answers (vpc-...).
    #[arg(long, value_name = "VPC_ID")]
    pub vpc: String,
    /// The record type.
    #[arg(long = "type", default_value = "A", value_parser = clap::builder::PossibleValuesParser::new(["A", "TXT", "CNAME", "a", "txt", "cname"]), value_name = "TYPE")]
    pub rtype: String,
}

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Only the events of this endpoint service (vpce-svc-...).
    #[arg(long, value_name = "ID")]
    pub service_id: Option<String>,
}

// ---------------------------------------------------------------------------- running

/// What a call did: its AWS operation name (for error messages), its answer, and whether it
/// changed the world.
struct Outcome {
    operation: &'static str,
    result: Result<Json, ApiError>,
    changed: bool,
}

fn err_diag(ui: &Ui, d: Diagnostic) -> u8 {
    ui.print_diagnostics(&d.into(), &SourceMap::new());
    1
}

pub fn run(global: &GlobalArgs, args: &CloudArgs, ui: &Ui) -> u8 {
    let ws = workspace(global, args.lock_timeout);
    let caller = match resolve_caller(&ws, args.caller.as_deref(), ui) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let writes = matches!(
        args.command,
        CloudCommand::Ec2(
            Ec2Command::AcceptVpcEndpointConnections(_)
                | Ec2Command::RejectVpcEndpointConnections(_)
                | Ec2Command::StartVpcEndpointServicePrivateDnsVerification(_)
        )
    );
    // Locks: the world lock for calls that change it; both locks (and a replay) when an
    // interrupted apply left a journal behind, so that the world read is complete.
    let mut locks = Vec::new();
    if ws.journal_path().exists() {
        match ws.lock("cloud", true) {
            Ok(l) => locks = l,
            Err(e) => return err_diag(ui, e.0),
        }
        if let Err(e) = ws.recover() {
            return err_diag(ui, e.0);
        }
    } else if writes {
        match ws.lock_world("cloud") {
            Ok(l) => locks.push(l),
            Err(e) => return err_diag(ui, e.0),
        }
    }
    let mut world = match ws.read_world() {
        Ok(w) => w,
        Err(e) => return err_diag(ui, e.0),
    };
    for (acct, map) in &caller.az_ids {
        // The simulation block's AZ maps (the world keeps the first one it saw).
        let _ = world.register_azs(acct, map);
    }
    let caller = caller.caller;
    let outcome = match &args.command {
        CloudCommand::Ec2(c) => ec2(&mut world, &caller, c),
        CloudCommand::Dns(DnsCommand::Resolve(r)) => dns_resolve(&world, &caller, r),
        CloudCommand::Events(e) => Outcome { operation: "", result: Ok(events(&world, &caller, e.service_id.as_deref())), changed: false },
    };
    let out = match outcome.result {
        Ok(j) => j,
        Err(e) => {
            // As the AWS CLI says it (one line, for scripts), then who called.
            if outcome.operation.is_empty() {
                eprintln!("An error occurred ({}): {}", e.code, e.message);
            } else {
                eprintln!("An error occurred ({}) when calling the {} operation: {}", e.code, outcome.operation, e.message);
            }
            eprintln!("plcli: called as {} (account {}, {}); choose the caller with --as", caller.principal, caller.account, caller.region);
            return 1;
        }
    };
    if outcome.changed {
        if let Err(e) = ws.write_world(&world) {
            return err_diag(ui, e.0);
        }
    }
    drop(locks);
    let out = match &args.query {
        Some(q) => match query(q, &out) {
            Ok(v) => v,
            Err(m) => return err_diag(ui, Diagnostic::error("invalid_query", format!("Bad value for --query {q}")).with_detail(m)),
        },
        None => out,
    };
    print!("{}", render(&out, args.output, outcome.operation));
    0
}

/// The caller of the call, and the simulation block's AZ maps.
struct ResolvedCaller {
    caller: Caller,
    az_ids: BTreeMap<String, BTreeMap<String, String>>,
}

/// `--as`, or the root's default provider (SPEC §2.2), evaluated as `validate` does.
fn resolve_caller(ws: &Workspace, spec: Option<&str>, ui: &Ui) -> Result<ResolvedCaller, u8> {
    let (callers, sim) = match ws.load(false) {
        Ok(loaded) => {
            let opts =
                plcli_graph::WalkOptions { mode: plcli_graph::WalkMode::Validate, vars: &loaded.vars, root_dir: loaded.module.dir.clone() };
            let (eval, _) = plcli_graph::walk(&loaded.module, &opts, &mut plcli_graph::DefaultHook);
            (eval.callers, eval.simulation)
        }
        // Without a configuration (a world shared with another root), --as says who calls.
        Err((sources, diags)) => {
            let only_missing = diags.iter().filter(|d| d.is_error()).all(|d| d.code == "no_configuration_files");
            if spec.is_none() && !only_missing {
                ui.print_diagnostics(&diags.sorted(), &sources);
                return Err(1);
            }
            (BTreeMap::new(), plcli_graph::Simulation::default())
        }
    };
    let default = callers.get("aws").cloned().unwrap_or_else(|| plcli_graph::default_caller(&sim));
    let az_ids = sim.accounts.iter().map(|(a, s)| (a.clone(), s.az_ids.clone())).collect();
    let Some(spec) = spec else {
        return Ok(ResolvedCaller { caller: plcli_engine::sim_caller(&default, &sim), az_ids });
    };
    // A provider of the root: aws.consumer (or just consumer).
    if let Some(c) = callers.get(spec).or_else(|| callers.get(&format!("aws.{spec}"))) {
        return Ok(ResolvedCaller { caller: plcli_engine::sim_caller(c, &sim), az_ids });
    }
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    let (account, principal) = if is_account(spec) {
        (spec.to_string(), format!("arn:aws:iam::{spec}:root"))
    } else {
        let parts: Vec<&str> = spec.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", _, "iam", "", acct, res] if is_account(acct) && !res.is_empty() => (acct.to_string(), spec.to_string()),
            // An assumed-role session acts as its role.
            ["arn", p, "sts", "", acct, res] if is_account(acct) && res.starts_with("assumed-role/") => {
                let role = res.trim_start_matches("assumed-role/").split('/').next().unwrap_or("");
                (acct.to_string(), format!("arn:{p}:iam::{acct}:role/{role}"))
            }
            _ => {
                let known: Vec<&str> = callers.keys().map(String::as_str).collect();
                return Err(err_diag(
                    ui,
                    Diagnostic::error("invalid_caller", format!("Invalid value for --as: \"{spec}\""))
                        .with_detail("--as takes a 12-digit account ID, an IAM ARN (arn:aws:iam::123456789012:role/NAME), or a provider of the root.")
                        .with_help(if known.is_empty() { "e.g. --as 111111111111".to_string() } else { format!("this root's providers: {}", known.join(", ")) }),
                ));
            }
        }
    };
    // The account's region and settings from the root's providers, when one acts in it.
    let base = callers
        .values()
        .find(|c| c.account == account && c.principal == principal)
        .or_else(|| callers.values().find(|c| c.account == account))
        .cloned()
        .unwrap_or(default);
    let mut c = plcli_engine::sim_caller(&base, &sim);
    c.account = account.clone();
    c.principal = principal;
    c.quotas = sim.accounts.get(&account).map(|a| a.quotas.clone()).unwrap_or_default();
    Ok(ResolvedCaller { caller: c, az_ids })
}

/// Rewrites the legacy literals the AWS CLI still takes (`` `available` ``: a backquoted
/// literal that is not JSON is a string) into JSON string literals.
fn legacy_literals(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Raw strings and quoted identifiers are copied as they are.
            '\'' | '"' => {
                out.push(c);
                while let Some(d) = chars.next() {
                    out.push(d);
                    if d == '\\' {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else if d == c {
                        break;
                    }
                }
            }
            '`' => {
                let mut lit = String::new();
                while let Some(d) = chars.next() {
                    if d == '\\' && chars.peek() == Some(&'`') {
                        lit.push('`');
                        chars.next();
                    } else if d == '`' {
                        break;
                    } else {
                        lit.push(d);
                    }
                }
                let body =
                    if serde_json::from_str::<Json>(lit.trim()).is_ok() { lit } else { Json::String(lit.trim().to_string()).to_string() };
                out.push('`');
                out.push_str(&body.replace('`', "\\`"));
                out.push('`');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Applies a JMESPath expression.
fn query(expr: &str, data: &Json) -> Result<Json, String> {
    let e = jmespath::compile(&legacy_literals(expr)).map_err(|e| e.to_string())?;
    let r = e.search(data).map_err(|e| e.to_string())?;
    serde_json::to_value(&*r).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------- output

fn render(v: &Json, format: OutputFormat, title: &str) -> String {
    match format {
        OutputFormat::Json => {
            // The AWS CLI indents by four spaces (strings never hold a raw newline, so the
            // leading spaces of a line are all indentation).
            let mut s = String::new();
            for line in serde_json::to_string_pretty(v).unwrap_or_default().lines() {
                let body = line.trim_start_matches(' ');
                s.push_str(&" ".repeat((line.len() - body.len()) * 2));
                s.push_str(body);
                s.push('\n');
            }
            s
        }
        OutputFormat::Text => {
            let mut out = String::new();
            text(v, &mut out);
            out
        }
        OutputFormat::Table => table(v, title),
    }
}

fn scalar(v: &Json) -> Option<String> {
    match v {
        Json::Null => Some("None".into()),
        Json::Bool(b) => Some(if *b { "True".into() } else { "False".into() }),
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The AWS CLI's text output, simplified: scalars of one list or object on one
/// tab-separated line, nested lists and objects on lines of their own.
fn text(v: &Json, out: &mut String) {
    match v {
        Json::Array(items) if items.iter().all(|x| scalar(x).is_some()) => {
            if !items.is_empty() {
                out.push_str(&items.iter().filter_map(scalar).collect::<Vec<_>>().join("\t"));
                out.push('\n');
            }
        }
        Json::Array(items) => items.iter().for_each(|x| text(x, out)),
        Json::Object(m) => {
            let scalars: Vec<String> = m.values().filter_map(scalar).collect();
            if !scalars.is_empty() {
                out.push_str(&scalars.join("\t"));
                out.push('\n');
            }
            m.values().filter(|x| scalar(x).is_none()).for_each(|x| text(x, out));
        }
        other => {
            out.push_str(&scalar(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// The AWS CLI's table output, simplified: one row per list item.
fn table(v: &Json, title: &str) -> String {
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let cell = |x: &Json| scalar(x).unwrap_or_else(|| x.to_string());
    let mut add = |x: &Json, header: &mut Vec<String>| match x {
        Json::Array(cols) => rows.push(cols.iter().map(cell).collect()),
        Json::Object(m) => {
            if header.is_empty() {
                *header = m.keys().cloned().collect();
            }
            rows.push(header.iter().map(|k| m.get(k).map(cell).unwrap_or_default()).collect());
        }
        other => rows.push(vec![cell(other)]),
    };
    match v {
        Json::Array(items) => items.iter().for_each(|x| add(x, &mut header)),
        Json::Object(m) if m.len() == 1 && m.values().all(Json::is_array) => {
            m.values().flat_map(|a| a.as_array().cloned().unwrap_or_default()).for_each(|x| add(&x, &mut header))
        }
        other => add(other, &mut header),
    }
    let ncols = rows.iter().map(Vec::len).chain(std::iter::once(header.len())).max().unwrap_or(0).max(1);
    let mut widths = vec![0usize; ncols];
    for r in rows.iter().chain(std::iter::once(&header)) {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let inner: usize = widths.iter().map(|w| w + 4).sum::<usize>() + ncols - 1;
    let inner = inner.max(title.chars().count() + 2);
    let sep = |widths: &[usize]| format!("+{}+\n", widths.iter().map(|w| "-".repeat(w + 4)).collect::<Vec<_>>().join("+"));
    let line = |r: &[String], widths: &[usize]| {
        format!(
            "|{}|\n",
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| format!("  {:w$}  ", r.get(i).cloned().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("|")
        )
    };
    // Widen the last column so the title fits.
    let extra = inner - (widths.iter().map(|w| w + 4).sum::<usize>() + ncols - 1);
    if let Some(last) = widths.last_mut() {
        *last += extra;
    }
    let mut out = format!("{}\n|{:^inner$}|\n", "-".repeat(inner + 2), title);
    out.push_str(&sep(&widths));
    if !header.is_empty() {
        out.push_str(&line(&header, &widths));
        out.push_str(&sep(&widths));
    }
    for r in &rows {
        out.push_str(&line(r, &widths));
    }
    out.push_str(&sep(&widths));
    out
}

// ---------------------------------------------------------------------------- filters

/// One `--filters Name=N,Values=V1,V2`.
#[derive(Debug, Clone, PartialEq)]
struct Filter {
    name: String,
    values: Vec<String>,
}

/// Parses `--filters` values: the AWS CLI's shorthand (`Name=vpc-id,Values=vpc-1,vpc-2`) or
/// its JSON form (`[{"Name": "vpc-id", "Values": ["vpc-1"]}]`).
fn parse_filters(raw: &[String]) -> Result<Vec<Filter>, ApiError> {
    let mut out = Vec::new();
    for r in raw {
        let t = r.trim();
        if t.starts_with('[') || t.starts_with('{') {
            let j: Json = serde_json::from_str(t)
                .map_err(|e| ApiError::new("InvalidParameterValue", format!("Error parsing parameter '--filters': Invalid JSON: {e}")))?;
            let items = if let Json::Array(a) = j { a } else { vec![j] };
            for it in items {
                let name = it.get("Name").and_then(Json::as_str).ok_or_else(|| {
                    ApiError::new("InvalidParameterValue", "Error parsing parameter '--filters': each filter needs a \"Name\"")
                })?;
                let values = it
                    .get("Values")
                    .and_then(Json::as_array)
                    .map(|a| a.iter().filter_map(|v| scalar(v).filter(|_| !v.is_null())).collect())
                    .unwrap_or_default();
                out.push(Filter { name: name.to_string(), values });
            }
            continue;
        }
        let bad = || {
            ApiError::new(
                "InvalidParameterValue",
                format!("Error parsing parameter '--filters': expected Name=NAME,Values=V1,V2, got \"{r}\""),
            )
        };
        let rest = t.strip_prefix("Name=").ok_or_else(bad)?;
        let (name, values) = rest.split_once(",Values=").ok_or_else(bad)?;
        let values = values.trim_start_matches('[').trim_end_matches(']');
        out.push(Filter { name: name.to_string(), values: values.split(',').map(str::to_string).filter(|v| !v.is_empty()).collect() });
    }
    Ok(out)
}

/// `*` and `?` wildcards, as EC2 filters take them.
fn glob(pattern: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), s.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The values at a dotted path of an output item; lists on the way are flattened
/// (`ServiceType.ServiceType`).
fn values_at(item: &Json, path: &str) -> Vec<String> {
    let mut cur = vec![item.clone()];
    for key in path.split('.') {
        let mut next = Vec::new();
        for v in cur {
            let flat = if let Json::Array(a) = v { a } else { vec![v] };
            for x in flat {
                if let Some(y) = x.get(key) {
                    match y {
                        Json::Array(a) => next.extend(a.iter().cloned()),
                        other => next.push(other.clone()),
                    }
                }
            }
        }
        cur = next;
    }
    cur.iter().filter(|v| !v.is_null()).filter_map(scalar).map(|s| if s == "True" || s == "False" { s.to_lowercase() } else { s }).collect()
}

/// Keeps the items that pass every filter; `known` maps the call's filter names to output
/// paths. `tag:KEY` and `tag-key` work where the items have `Tags`.
fn apply_filters(items: Vec<Json>, filters: &[Filter], known: &[(&str, &str)], tags: bool) -> Result<Vec<Json>, ApiError> {
    for f in filters {
        let ok = known.iter().any(|(n, _)| *n == f.name) || tags && (f.name.starts_with("tag:") || f.name == "tag-key");
        if !ok {
            return Err(ApiError::new("InvalidParameterValue", format!("The filter '{}' is invalid", f.name)));
        }
    }
    Ok(items
        .into_iter()
        .filter(|it| {
            filters.iter().all(|f| {
                let actual: Vec<String> = if let Some(k) = f.name.strip_prefix("tag:") {
                    it.get("Tags")
                        .and_then(Json::as_array)
                        .map(|a| {
                            a.iter()
                                .filter(|t| t.get("Key").and_then(Json::as_str) == Some(k))
                                .filter_map(|t| t.get("Value").and_then(Json::as_str).map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default()
                } else if f.name == "tag-key" {
                    values_at(it, "Tags.Key")
                } else {
                    known.iter().find(|(n, _)| *n == f.name).map(|(_, p)| values_at(it, p)).unwrap_or_default()
                };
                actual.iter().any(|a| f.values.iter().any(|p| glob(p, a)))
            })
        })
        .collect())
}

// ---------------------------------------------------------------------------- world views

fn sv(v: &Value, k: &str) -> String {
    v.get_attr(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    match v.get_attr(k) {
        Some(Value::String(s)) => vec![s.to_string()],
        Some(x) => x.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default(),
        None => vec![],
    }
}

fn flag(v: &Value, k: &str) -> bool {
    v.get_attr(k).and_then(Value::as_bool).unwrap_or(false)
}

/// `tags_all` as EC2's `[{"Key", "Value"}]`, sorted by key.
fn tags(v: &Value) -> Json {
    let m = v.get_attr("tags_all").and_then(Value::as_map).or_else(|| v.get_attr("tags").and_then(Value::as_map));
    Json::Array(
        m.map(|m| m.iter().map(|(k, v)| json!({"Key": k, "Value": v.to_template_string().unwrap_or_default()})).collect())
            .unwrap_or_default(),
    )
}

/// AZ IDs of a service: those of its NLBs' nodes.
fn service_az_ids(world: &World, svc: &Object) -> BTreeSet<String> {
    world.service_az_ids(&strs(&svc.attrs, "network_load_balancer_arns"))
}

/// (name, ID) pairs of an account's AZs that are among `ids`, by name.
fn az_names_for(world: &mut World, caller: &Caller, account: &str, ids: &BTreeSet<String>) -> Vec<(String, String)> {
    world.az_map(account, &caller.region).into_iter().filter(|(_, id)| ids.contains(id)).collect()
}

fn dns_entries(v: &Value) -> Json {
    Json::Array(
        v.get_attr("dns_entry")
            .and_then(Value::as_seq)
            .map(|e| e.iter().map(|x| json!({"DnsName": sv(x, "dns_name"), "HostedZoneId": sv(x, "hosted_zone_id")})).collect())
            .unwrap_or_default(),
    )
}

fn service_type(v: &Value) -> Json {
    let t = sv(v, "service_type");
    json!([{"ServiceType": if t.is_empty() { "Interface".to_string() } else { t }}])
}

fn dns_state(svc: &Object) -> String {
    let cfg = svc
        .attrs
        .get_attr("private_dns_name_configuration")
        .and_then(Value::as_seq)
        .and_then(|s| s.first())
        .map(|c| sv(c, "state"))
        .unwrap_or_default();
    if cfg.is_empty() {
        svc.internal.get("dns_state").and_then(Value::as_str).unwrap_or("").to_string()
    } else {
        cfg
    }
}

/// DescribeVpcEndpointServiceConfigurations' ServiceConfiguration.
fn service_configuration(world: &mut World, caller: &Caller, id: &str, svc: &Object) -> Json {
    let a = &svc.attrs;
    let az_ids = service_az_ids(world, svc);
    let zones = az_names_for(world, caller, &svc.account, &az_ids);
    let mut m = Map::new();
    m.insert("ServiceType".into(), service_type(a));
    m.insert("ServiceId".into(), json!(id));
    m.insert("ServiceName".into(), json!(sv(a, "service_name")));
    m.insert("ServiceState".into(), json!(if sv(a, "state").is_empty() { "Available".to_string() } else { sv(a, "state") }));
    m.insert("AvailabilityZoneIds".into(), json!(zones.iter().map(|(_, i)| i).collect::<Vec<_>>()));
    m.insert("AvailabilityZones".into(), json!(zones.iter().map(|(n, _)| n).collect::<Vec<_>>()));
    m.insert("AcceptanceRequired".into(), json!(a.get_attr("acceptance_required").and_then(Value::as_bool).unwrap_or(true)));
    m.insert("ManagesVpcEndpoints".into(), json!(flag(a, "manages_vpc_endpoints")));
    m.insert("NetworkLoadBalancerArns".into(), json!(strs(a, "network_load_balancer_arns")));
    let gw = strs(a, "gateway_load_balancer_arns");
    if !gw.is_empty() {
        m.insert("GatewayLoadBalancerArns".into(), json!(gw));
    }
    m.insert("SupportedIpAddressTypes".into(), json!(strs(a, "supported_ip_address_types")));
    m.insert("BaseEndpointDnsNames".into(), json!(strs(a, "base_endpoint_dns_names")));
    let name = sv(a, "private_dns_name");
    if !name.is_empty() {
        m.insert("PrivateDnsName".into(), json!(name));
        let cfg =
            a.get_attr("private_dns_name_configuration").and_then(Value::as_seq).and_then(|s| s.first()).cloned().unwrap_or(Value::Null);
        m.insert(
            "PrivateDnsNameConfiguration".into(),
            json!({"State": dns_state(svc), "Type": sv(&cfg, "type"), "Value": sv(&cfg, "value"), "Name": sv(&cfg, "name")}),
        );
    }
    m.insert("PayerResponsibility".into(), json!("ServiceOwner"));
    m.insert("Tags".into(), tags(a));
    m.insert("SupportedRegions".into(), json!([{"Region": svc.region, "ServiceState": "Available"}]));
    m.insert("RemoteAccessEnabled".into(), json!(false));
    Json::Object(m)
}

/// DescribeVpcEndpointServices' ServiceDetail: the consumer's view, in its AZ names.
fn service_detail(world: &mut World, caller: &Caller, id: &str, svc: &Object) -> Json {
    let a = &svc.attrs;
    let az_ids = service_az_ids(world, svc);
    let zones = az_names_for(world, caller, &caller.account, &az_ids);
    let mut m = Map::new();
    m.insert("ServiceName".into(), json!(sv(a, "service_name")));
    m.insert("ServiceId".into(), json!(id));
    m.insert("ServiceType".into(), service_type(a));
    m.insert("ServiceRegion".into(), json!(svc.region));
    m.insert("AvailabilityZoneIds".into(), json!(zones.iter().map(|(_, i)| i).collect::<Vec<_>>()));
    m.insert("AvailabilityZones".into(), json!(zones.iter().map(|(n, _)| n).collect::<Vec<_>>()));
    m.insert("Owner".into(), json!(svc.account));
    m.insert("BaseEndpointDnsNames".into(), json!(strs(a, "base_endpoint_dns_names")));
    let name = sv(a, "private_dns_name");
    if !name.is_empty() {
        m.insert("PrivateDnsName".into(), json!(name));
        m.insert("PrivateDnsNames".into(), json!([{"PrivateDnsName": name}]));
    }
    m.insert("VpcEndpointPolicySupported".into(), json!(false));
    m.insert("AcceptanceRequired".into(), json!(a.get_attr("acceptance_required").and_then(Value::as_bool).unwrap_or(true)));
    m.insert("ManagesVpcEndpoints".into(), json!(flag(a, "manages_vpc_endpoints")));
    m.insert("PayerResponsibility".into(), json!("ServiceOwner"));
    m.insert("Tags".into(), tags(a));
    if !name.is_empty() {
        m.insert("PrivateDnsNameVerificationState".into(), json!(dns_state(svc)));
    }
    m.insert("SupportedIpAddressTypes".into(), json!(strs(a, "supported_ip_address_types")));
    Json::Object(m)
}

/// DescribeVpcEndpointConnections' VpcEndpointConnection.
fn connection(world: &World, ep_id: &str, ep: &Object, svc_id: &str) -> Json {
    let a = &ep.attrs;
    let lbs = world.get(svc_id).map(|s| strs(&s.attrs, "network_load_balancer_arns")).unwrap_or_default();
    json!({
        "ServiceId": svc_id,
        "VpcEndpointId": ep_id,
        "VpcEndpointOwner": ep.account,
        "VpcEndpointState": sv(a, "state"),
        "DnsEntries": dns_entries(a),
        "NetworkLoadBalancerArns": lbs,
        "IpAddressType": if sv(a, "ip_address_type").is_empty() { "ipv4".to_string() } else { sv(a, "ip_address_type") },
        "VpcEndpointRegion": ep.region,
        "Tags": [],
    })
}

/// DescribeVpcEndpoints' VpcEndpoint.
fn endpoint(world: &World, ep_id: &str, ep: &Object) -> Json {
    let a = &ep.attrs;
    let groups: Vec<Json> = strs(a, "security_group_ids")
        .iter()
        .map(|g| json!({"GroupId": g, "GroupName": world.get(g).map(|o| sv(&o.attrs, "name")).unwrap_or_default()}))
        .collect();
    let ty = sv(a, "vpc_endpoint_type");
    let mut m = Map::new();
    m.insert("VpcEndpointId".into(), json!(ep_id));
    m.insert("VpcEndpointType".into(), json!(if ty.is_empty() { "Gateway".to_string() } else { ty.clone() }));
    m.insert("VpcId".into(), json!(sv(a, "vpc_id")));
    m.insert("ServiceName".into(), json!(sv(a, "service_name")));
    m.insert("State".into(), json!(sv(a, "state")));
    let policy = sv(a, "policy");
    if !policy.is_empty() && !ep.internal.contains_key("service_id") {
        m.insert("PolicyDocument".into(), json!(policy));
    }
    m.insert("RouteTableIds".into(), json!(strs(a, "route_table_ids")));
    m.insert("SubnetIds".into(), json!(strs(a, "subnet_ids")));
    m.insert("Groups".into(), Json::Array(groups));
    m.insert(
        "IpAddressType".into(),
        json!(if sv(a, "ip_address_type").is_empty() { "ipv4".to_string() } else { sv(a, "ip_address_type") }),
    );
    let dns_opt =
        a.get_attr("dns_options").and_then(Value::as_seq).and_then(|s| s.first()).map(|o| sv(o, "dns_record_ip_type")).unwrap_or_default();
    if ty == "Interface" {
        m.insert("DnsOptions".into(), json!({"DnsRecordIpType": if dns_opt.is_empty() { "ipv4".to_string() } else { dns_opt }}));
    }
    m.insert("PrivateDnsEnabled".into(), json!(flag(a, "private_dns_enabled")));
    m.insert("RequesterManaged".into(), json!(flag(a, "requester_managed")));
    m.insert("NetworkInterfaceIds".into(), json!(strs(a, "network_interface_ids")));
    m.insert("DnsEntries".into(), dns_entries(a));
    m.insert("Tags".into(), tags(a));
    m.insert("OwnerId".into(), json!(ep.account));
    Json::Object(m)
}

fn malformed_svc(id: &str) -> Option<ApiError> {
    (!id.starts_with("vpce-svc-"))
        .then(|| ApiError::new("InvalidVpcEndpointServiceId.Malformed", format!("Invalid Id: '{id}' (expecting 'vpce-svc-...')")))
}

fn svc_not_found(id: &str) -> ApiError {
    ApiError::new("InvalidVpcEndpointServiceId.NotFound", format!("The Vpc Endpoint Service Id '{id}' does not exist"))
}

/// The caller's own service, for a provider-side action on it. A service of another account
/// is refused by IAM before EC2 looks: no resource-based policy lets another account act on
/// it (`UnauthorizedOperation`).
fn own_service_for(world: &World, caller: &Caller, id: &str, action: &str) -> Result<(), ApiError> {
    if let Some(e) = malformed_svc(id) {
        return Err(e);
    }
    match world.get(id) {
        Some(o) if o.ty == "aws_vpc_endpoint_service" && o.account != caller.account => {
            let arn = sv(&o.attrs, "arn");
            Err(ApiError::new(
                "UnauthorizedOperation",
                format!("You are not authorized to perform this operation. User: {} is not authorized to perform: ec2:{action} on resource: {arn} because no resource-based policy allows the ec2:{action} action", caller.principal),
            ))
        }
        Some(o) if o.ty == "aws_vpc_endpoint_service" && o.region == caller.region => Ok(()),
        _ => Err(svc_not_found(id)),
    }
}

/// The caller's services in its region, by ID.
fn own_services(world: &World, caller: &Caller) -> Vec<String> {
    world
        .objects
        .iter()
        .filter(|(_, o)| o.ty == "aws_vpc_endpoint_service" && o.account == caller.account && o.region == caller.region)
        .map(|(id, _)| id.clone())
        .collect()
}

fn ec2(world: &mut World, caller: &Caller, c: &Ec2Command) -> Outcome {
    let read = |operation: &'static str, result: Result<Json, ApiError>| Outcome { operation, result, changed: false };
    match c {
        Ec2Command::DescribeVpcEndpointServiceConfigurations(a) => {
            read("DescribeVpcEndpointServiceConfigurations", describe_service_configurations(world, caller, a))
        }
        Ec2Command::DescribeVpcEndpointServicePermissions(a) => {
            read("DescribeVpcEndpointServicePermissions", describe_permissions(world, caller, &a.service_id))
        }
        Ec2Command::DescribeVpcEndpointServices(a) => read("DescribeVpcEndpointServices", describe_services(world, caller, a)),
        Ec2Command::DescribeVpcEndpointConnections(a) => read("DescribeVpcEndpointConnections", describe_connections(world, caller, a)),
        Ec2Command::AcceptVpcEndpointConnections(a) => set_states(world, caller, a, "available", "AcceptVpcEndpointConnections"),
        Ec2Command::RejectVpcEndpointConnections(a) => set_states(world, caller, a, "rejected", "RejectVpcEndpointConnections"),
        Ec2Command::DescribeVpcEndpoints(a) => read("DescribeVpcEndpoints", describe_endpoints(world, caller, a)),
        Ec2Command::StartVpcEndpointServicePrivateDnsVerification(a) => {
            let operation = "StartVpcEndpointServicePrivateDnsVerification";
            if let Err(e) = own_service_for(world, caller, &a.service_id, operation) {
                return read(operation, Err(e));
            }
            match world.verify_private_dns(caller, &a.service_id) {
                Ok(_) => Outcome { operation, result: Ok(json!({"ReturnValue": true})), changed: true },
                Err(e) => read(operation, Err(e)),
            }
        }
        Ec2Command::DescribeAvailabilityZones(a) => read("DescribeAvailabilityZones", describe_azs(world, caller, a)),
    }
}

fn describe_service_configurations(world: &mut World, caller: &Caller, a: &ServiceConfigsArgs) -> Result<Json, ApiError> {
    let filters = parse_filters(&a.filters)?;
    let mine = own_services(world, caller);
    let ids: Vec<String> = if a.service_ids.is_empty() {
        mine
    } else {
        for id in &a.service_ids {
            if let Some(e) = malformed_svc(id) {
                return Err(e);
            }
            if !mine.contains(id) {
                return Err(svc_not_found(id));
            }
        }
        a.service_ids.clone()
    };
    let mut items = Vec::new();
    for id in ids {
        if let Some(o) = world.get(&id).cloned() {
            items.push(service_configuration(world, caller, &id, &o));
        }
    }
    let known = [
        ("service-id", "ServiceId"),
        ("service-name", "ServiceName"),
        ("service-state", "ServiceState"),
        ("supported-ip-address-types", "SupportedIpAddressTypes"),
    ];
    Ok(json!({"ServiceConfigurations": apply_filters(items, &filters, &known, true)?}))
}

fn describe_permissions(world: &World, caller: &Caller, id: &str) -> Result<Json, ApiError> {
    if let Some(e) = malformed_svc(id) {
        return Err(e);
    }
    if !own_services(world, caller).iter().any(|s| s == id) {
        return Err(svc_not_found(id));
    }
    let mut out = Vec::new();
    let mut add = |principal: &str, perm: Option<String>| {
        let ty = if principal == "*" {
            "All"
        } else if principal.ends_with(":root") || principal.len() == 12 {
            "Account"
        } else if principal.contains(":role/") {
            "Role"
        } else if principal.contains(":user/") {
            "User"
        } else {
            "OrganizationUnit"
        };
        let mut m = json!({"PrincipalType": ty, "Principal": principal, "ServiceId": id});
        if let Some(p) = perm {
            m["ServicePermissionId"] = json!(p);
        }
        out.push(m);
    };
    let svc = world.get(id).map(|o| o.attrs.clone()).unwrap_or(Value::Null);
    for p in strs(&svc, "allowed_principals") {
        add(&p, None);
    }
    for pid in world.referencing("vpc_endpoint_service_id", id, Some("aws_vpc_endpoint_service_allowed_principal")) {
        if let Some(o) = world.get(&pid) {
            add(&sv(&o.attrs, "principal_arn"), Some(pid.clone()));
        }
    }
    Ok(json!({"AllowedPrincipals": out}))
}

fn describe_services(world: &mut World, caller: &Caller, a: &ServicesArgs) -> Result<Json, ApiError> {
    let filters = parse_filters(&a.filters)?;
    let usable: Vec<String> = world
        .objects
        .iter()
        .filter(|(_, o)| o.ty == "aws_vpc_endpoint_service" && o.region == caller.region)
        .filter(|(_, o)| {
            let name = sv(&o.attrs, "service_name");
            world.service_by_name(caller, &name).is_ok()
        })
        .map(|(id, _)| id.clone())
        .collect();
    let ids: Vec<String> = if a.service_names.is_empty() {
        usable
    } else {
        let mut ids = Vec::new();
        for n in &a.service_names {
            let id = world.service_by_name(caller, n)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    let mut items = Vec::new();
    for id in ids {
        if let Some(o) = world.get(&id).cloned() {
            items.push(service_detail(world, caller, &id, &o));
        }
    }
    let known = [
        ("owner", "Owner"),
        ("service-name", "ServiceName"),
        ("service-type", "ServiceType.ServiceType"),
        ("service-region", "ServiceRegion"),
        ("supported-ip-address-types", "SupportedIpAddressTypes"),
    ];
    let items = apply_filters(items, &filters, &known, true)?;
    let names: Vec<Json> = items.iter().filter_map(|i| i.get("ServiceName").cloned()).collect();
    Ok(json!({"ServiceNames": names, "ServiceDetails": items}))
}

fn describe_connections(world: &World, caller: &Caller, a: &ConnectionsArgs) -> Result<Json, ApiError> {
    let mut filters = parse_filters(&a.filters)?;
    if let Some(id) = &a.service_id {
        filters.push(Filter { name: "service-id".into(), values: vec![id.clone()] });
    }
    let mut items = Vec::new();
    for svc in own_services(world, caller) {
        for ep_id in world.referencing("vpc_endpoint_service_id", &svc, Some("aws_vpc_endpoint")) {
            if let Some(ep) = world.get(&ep_id) {
                items.push(connection(world, &ep_id, ep, &svc));
            }
        }
    }
    let known = [
        ("service-id", "ServiceId"),
        ("vpc-endpoint-id", "VpcEndpointId"),
        ("vpc-endpoint-owner", "VpcEndpointOwner"),
        ("vpc-endpoint-state", "VpcEndpointState"),
        ("vpc-endpoint-region", "VpcEndpointRegion"),
        ("ip-address-type", "IpAddressType"),
    ];
    Ok(json!({"VpcEndpointConnections": apply_filters(items, &filters, &known, false)?}))
}

fn set_states(world: &mut World, caller: &Caller, a: &ConnectionIdsArgs, to: &str, operation: &'static str) -> Outcome {
    if let Err(e) = own_service_for(world, caller, &a.service_id, operation) {
        return Outcome { operation, result: Err(e), changed: false };
    }
    let mut unsuccessful = Vec::new();
    let mut changed = false;
    for id in &a.vpc_endpoint_ids {
        let r = if id.starts_with("vpce-") && !id.starts_with("vpce-svc-") {
            world.set_connection_state(caller, &a.service_id, id, to)
        } else {
            Err(ApiError::new("InvalidVpcEndpointId.Malformed", format!("Invalid Id: '{id}' (expecting 'vpce-...')")))
        };
        match r {
            Ok(()) => changed = true,
            Err(e) => unsuccessful.push(json!({"Error": {"Code": e.code, "Message": e.message}, "ResourceId": id})),
        }
    }
    Outcome { operation, result: Ok(json!({"Unsuccessful": unsuccessful})), changed }
}

fn describe_endpoints(world: &World, caller: &Caller, a: &EndpointsArgs) -> Result<Json, ApiError> {
    let filters = parse_filters(&a.filters)?;
    let mine =
        |id: &str| world.get(id).is_some_and(|o| o.ty == "aws_vpc_endpoint" && o.account == caller.account && o.region == caller.region);
    let ids: Vec<String> = if a.vpc_endpoint_ids.is_empty() {
        world.objects.iter().filter(|(id, _)| mine(id)).map(|(id, _)| id.clone()).collect()
    } else {
        for id in &a.vpc_endpoint_ids {
            if !id.starts_with("vpce-") || id.starts_with("vpce-svc-") {
                return Err(ApiError::new("InvalidVpcEndpointId.Malformed", format!("Invalid Id: '{id}' (expecting 'vpce-...')")));
            }
            if !mine(id) {
                return Err(ApiError::new("InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{id}' does not exist")));
            }
        }
        a.vpc_endpoint_ids.clone()
    };
    let items: Vec<Json> = ids.iter().filter_map(|id| world.get(id).map(|o| endpoint(world, id, o))).collect();
    let known = [
        ("vpc-id", "VpcId"),
        ("vpc-endpoint-id", "VpcEndpointId"),
        ("vpc-endpoint-state", "State"),
        ("vpc-endpoint-type", "VpcEndpointType"),
        ("service-name", "ServiceName"),
        ("ip-address-type", "IpAddressType"),
    ];
    Ok(json!({"VpcEndpoints": apply_filters(items, &filters, &known, true)?}))
}

fn describe_azs(world: &mut World, caller: &Caller, a: &AzArgs) -> Result<Json, ApiError> {
    let filters = parse_filters(&a.filters)?;
    let map = world.az_map(&caller.account, &caller.region);
    for n in &a.zone_names {
        if !map.contains_key(n) {
            return Err(ApiError::new("InvalidParameterValue", format!("The zone '{n}' does not exist in the current region.")));
        }
    }
    for i in &a.zone_ids {
        if !map.values().any(|v| v == i) {
            return Err(ApiError::new("InvalidParameterValue", format!("The zone ID '{i}' does not exist in the current region.")));
        }
    }
    let items: Vec<Json> = map
        .iter()
        .filter(|(n, i)| (a.zone_names.is_empty() || a.zone_names.contains(n)) && (a.zone_ids.is_empty() || a.zone_ids.contains(i)))
        .map(|(n, i)| {
            json!({
                "State": "available",
                "OptInStatus": "opt-in-not-required",
                "Messages": [],
                "RegionName": caller.region,
                "ZoneName": n,
                "ZoneId": i,
                "GroupName": caller.region,
                "NetworkBorderGroup": caller.region,
                "ZoneType": "availability-zone",
            })
        })
        .collect();
    let known = [
        ("zone-name", "ZoneName"),
        ("zone-id", "ZoneId"),
        ("region-name", "RegionName"),
        ("state", "State"),
        ("zone-type", "ZoneType"),
        ("group-name", "GroupName"),
        ("opt-in-status", "OptInStatus"),
    ];
    Ok(json!({"AvailabilityZones": apply_filters(items, &filters, &known, false)?}))
}

/// `dns resolve`: the VPC's resolver (plcli-verify's per-VPC view), as `dig` would answer.
fn dns_resolve(world: &World, caller: &Caller, r: &ResolveArgs) -> Outcome {
    let operation = "";
    let vpc_ok = world.get(&r.vpc).is_some_and(|o| o.ty == "aws_vpc" && o.account == caller.account && o.region == caller.region);
    if !vpc_ok {
        return Outcome {
            operation,
            result: Err(ApiError::new("InvalidVpcID.NotFound", format!("The vpc ID '{}' does not exist", r.vpc))),
            changed: false,
        };
    }
    let rtype = r.rtype.to_uppercase();
    let name = r.name.trim_end_matches('.').to_lowercase();
    let res = plcli_verify::lookup(world, &r.vpc, &name, &rtype);
    if res.answers.is_empty() {
        if let Some(why) = &res.not_effective {
            eprintln!("plcli: {name} does not resolve in {}: {why}", r.vpc);
        }
    }
    let answers: Vec<Json> = res.answers.iter().map(|a| json!({"Name": a.name, "Type": a.ty, "Value": a.value, "Ttl": a.ttl})).collect();
    let answered_by = if answers.is_empty() { Json::Null } else { res.answered_by.map(Json::String).unwrap_or(Json::Null) };
    Outcome {
        operation,
        result: Ok(json!({"Name": name, "VpcId": r.vpc, "Type": rtype, "Answers": answers, "AnsweredBy": answered_by})),
        changed: false,
    }
}

/// `events`: the connection notifications the caller may see — those of its services, and
/// those of its endpoints — in order.
fn events(world: &World, caller: &Caller, service_id: Option<&str>) -> Json {
    let items: Vec<Json> = world
        .events
        .iter()
        .filter(|e| service_id.is_none_or(|s| e.service_id == s))
        .filter(|e| {
            e.vpc_endpoint_owner == caller.account
                || e.service_owner == caller.account
                || world.get(&e.service_id).is_some_and(|o| o.account == caller.account)
        })
        .map(|e| {
            json!({
                "Sequence": e.sequence,
                "EventType": e.event_type,
                "ServiceId": e.service_id,
                "VpcEndpointId": e.vpc_endpoint_id,
                "VpcEndpointOwner": e.vpc_endpoint_owner,
                "Principal": e.principal,
                "Topics": e.topics,
            })
        })
        .collect();
    json!({"Events": items})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_the_aws_cli_shorthand_and_json() {
        let f =
            parse_filters(&["Name=vpc-id,Values=vpc-1,vpc-2".into(), r#"[{"Name":"vpc-endpoint-state","Values":["available"]}]"#.into()])
                .unwrap();
        assert_eq!(f[0], Filter { name: "vpc-id".into(), values: vec!["vpc-1".into(), "vpc-2".into()] });
        assert_eq!(f[1], Filter { name: "vpc-endpoint-state".into(), values: vec!["available".into()] });
        assert_eq!(parse_filters(&["vpc-id=x".into()]).unwrap_err().code, "InvalidParameterValue");
    }

    #[test]
    fn legacy_backquoted_strings_work_as_in_the_aws_cli() {
        assert_eq!(legacy_literals("A[?S==`pendingAcceptance`].B"), "A[?S==`\"pendingAcceptance\"`].B");
        assert_eq!(legacy_literals("A[?N==`3`]"), "A[?N==`3`]");
        assert_eq!(legacy_literals("A[?S=='`x`']"), "A[?S=='`x`']");
        let data = json!({"C": [{"S": "pendingAcceptance", "Id": "a"}, {"S": "available", "Id": "b"}]});
        assert_eq!(query("C[?S==`pendingAcceptance`].Id", &data).unwrap(), json!(["a"]));
    }

    #[test]
    fn globs_match_as_ec2_filters() {
        assert!(glob("vpce-*", "vpce-0123"));
        assert!(glob("us-east-1?", "us-east-1a"));
        assert!(!glob("us-east-1?", "us-east-1"));
        assert!(glob("*", ""));
        assert!(!glob("a*b", "acd"));
    }

    #[test]
    fn unknown_filters_are_refused() {
        let e = apply_filters(
            vec![json!({"VpcId": "vpc-1"})],
            &[Filter { name: "nope".into(), values: vec![] }],
            &[("vpc-id", "VpcId")],
            false,
        )
        .unwrap_err();
        assert_eq!(e.message, "The filter 'nope' is invalid");
        let kept = apply_filters(
            vec![json!({"VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "x"}]}), json!({"VpcId": "vpc-2"})],
            &[Filter { name: "tag:Name".into(), values: vec!["x".into()] }],
            &[],
            true,
        )
        .unwrap();
        assert_eq!(kept.len(), 1);
    }
}
