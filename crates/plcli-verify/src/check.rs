//! Evaluating one path, hop by hop.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use plcli_lang::{format_number, Value};
use plcli_sim::World;

use crate::dns::resolve;
use crate::sg::{admits, Peer};

/// Where a path starts.
#[derive(Debug, Clone)]
pub enum Source {
    /// An `aws_instance`.
    Instance { id: String },
    /// A client in an `aws_subnet` with these security groups (empty: the VPC default SG).
    Subnet { id: String, security_groups: Vec<String> },
    /// Any address of a VPC (derived paths).
    AnyOfVpc { vpc_id: String },
}

/// Where a path goes.
#[derive(Debug, Clone)]
pub enum Target {
    Name(String),
    Endpoint { id: String },
    Service { id: String },
}

/// `reachable`, `unreachable` or `partial`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Reachable,
    Unreachable,
    Partial,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::Unreachable => "unreachable",
            Verdict::Partial => "partial",
        }
    }
}

/// A path to check.
#[derive(Debug, Clone)]
pub struct PathSpec {
    pub name: String,
    /// As written (`aws_instance.app`) or derived (`any address of aws_vpc.consumer`).
    pub from_label: String,
    pub to_label: String,
    pub source: Option<Source>,
    pub target: Target,
    pub port: u16,
    pub expect: Verdict,
    /// Derived paths check only the ENI in this subnet.
    pub only_subnet: Option<String>,
    /// When the endpoint of this path could not be created (`--planned`): the AWS error and
    /// the endpoint's address.
    pub create_failure: Option<CreateFailure>,
}

/// An endpoint the simulated API refused to create (`--planned`).
#[derive(Debug, Clone)]
pub struct CreateFailure {
    /// The AWS error code and message.
    pub code: String,
    pub message: String,
    /// The endpoint's configuration address.
    pub address: String,
    /// The principal that tried to create it (its provider's), when known.
    pub principal: Option<String>,
}

/// The text between the first pair of single quotes (`'name'` in AWS messages).
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    Some(&message[start..start + len])
}

/// The first word of `message` that starts with `prefix` (an ID in an AWS message).
fn word_with<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.split(|c: char| c.is_whitespace() || c == ':' || c == ',').map(|w| w.trim_end_matches('.')).find(|w| w.starts_with(prefix))
}

/// The explanation code of a refused endpoint creation, its fix, and what the world adds to
/// AWS's message (AWS hides a service from principals it does not allow; AZ refusals name a
/// subnet, not its AZ).
fn explain_create_failure(world: &World, f: &CreateFailure) -> (&'static str, &'static str, Option<String>) {
    let m = f.message.as_str();
    match f.code.as_str() {
        "InvalidServiceName" => {
            let name = quoted(m).unwrap_or("");
            match world.referencing("service_name", name, Some("aws_vpc_endpoint_service")).into_iter().next() {
                Some(svc) => {
                    let allowed = world.allowed_principals(&svc);
                    let who = f.principal.clone().unwrap_or_else(|| "the consumer's principal".into());
                    (
                        "PRINCIPAL_NOT_ALLOWED",
                        "add the consumer's principal (its assumed role, or arn:aws:iam::<account>:root) to the service's allowed principals, and make the endpoint depend on that allowed principal",
                        Some(format!("{svc} exists, but AWS answers \"does not exist\" to {who}, which is not among its allowed principals: {}", if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") })),
                    )
                }
                None => ("SERVICE_NOT_FOUND", "use the provider's service_name exactly (com.amazonaws.vpce.<region>.vpce-svc-...), in the service's region", Some(format!("no endpoint service is named {name}"))),
            }
        }
        "InvalidParameter" if m.contains("availability zone") => {
            let subnet = word_with(m, "subnet-").and_then(|id| world.get(id).map(|o| (id, o.attrs.clone())));
            let svc = word_with(m, "com.amazonaws.vpce.").and_then(|n| world.referencing("service_name", n, Some("aws_vpc_endpoint_service")).into_iter().next());
            let served: BTreeSet<String> =
                svc.and_then(|s| world.get(&s).map(|o| world.service_az_ids(&strs(&o.attrs, "network_load_balancer_arns")))).unwrap_or_default();
            let context = subnet.map(|(id, a)| {
                format!(
                    "{id} is in {} ({}); the service's NLB is in {} — AZ names differ between accounts, compare AZ IDs",
                    sv(&a, "availability_zone"),
                    sv(&a, "availability_zone_id"),
                    served.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            });
            ("ENDPOINT_AZ_NOT_SERVED", "put the endpoint's subnets in AZ IDs the service's NLB has subnets in (compare AZ IDs, not names), or add NLB subnets in those AZ IDs", context)
        }
        "InvalidParameter" if m.contains("enableDnsHostnames") => {
            ("ENDPOINT_CREATE_FAILED", "set enable_dns_support = true and enable_dns_hostnames = true on the endpoint's VPC (private DNS needs both), or set private_dns_enabled = false and use the regional vpce name", None)
        }
        "InvalidParameter" if m.contains("has not verified") => (
            "ENDPOINT_CREATE_FAILED",
            "publish the TXT record of the service's private_dns_name_configuration in a public zone and verify it (aws_vpc_endpoint_service_private_dns_verification) before the endpoint is created (depends_on)",
            None,
        ),
        "InvalidParameter" if m.contains("does not provide a private DNS name") => ("ENDPOINT_CREATE_FAILED", "set private_dns_name on the endpoint service, or private_dns_enabled = false on the endpoint", None),
        "InvalidParameter" if m.contains("conflicting DNS domain") => {
            ("ENDPOINT_CREATE_FAILED", "remove the private hosted zone or the other endpoint that claims the name in this VPC, or set private_dns_enabled = false", None)
        }
        "DuplicateSubnetsInSameZone" => ("ENDPOINT_CREATE_FAILED", "give the endpoint at most one subnet per AZ", None),
        _ => ("ENDPOINT_CREATE_FAILED", "fix the endpoint's configuration so that AWS accepts it (see the AWS error)", None),
    }
}

/// A what-if (`scenario` block).
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub failed_az_ids: BTreeSet<String>,
    /// Target IDs (instance IDs or IPs) that fail health checks.
    pub unhealthy_targets: BTreeSet<String>,
}

/// One hop of a path.
#[derive(Debug, Clone)]
pub struct Hop {
    pub kind: &'static str,
    pub resource: String,
    pub id: String,
    pub az_id: Option<String>,
    pub ok: bool,
    pub detail: String,
}

/// Why a path (or one AZ of it) fails, or a warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub resource: String,
    pub file: String,
    pub line: usize,
    pub fix: String,
}

/// The outcome of one path.
#[derive(Debug, Clone)]
pub struct PathResult {
    pub name: String,
    pub from: String,
    pub to: String,
    pub port: u16,
    pub expect: Verdict,
    pub result: Verdict,
    pub ok: bool,
    pub hops: Vec<Hop>,
    pub explanations: Vec<Explanation>,
}

/// Cloud ID (or address) → (config address, file, line) of the resource that manages it.
pub type Locate<'a> = dyn Fn(&str) -> Option<(String, String, usize)> + Sync + 'a;

/// What a path check needs besides the world.
pub struct Context<'a> {
    pub world: &'a World,
    /// Cloud ID → (config address, file, line) of the resource that manages it.
    pub locate: &'a Locate<'a>,
    pub scenario: &'a Scenario,
}

fn sv<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get_attr(k).and_then(Value::as_str).unwrap_or("")
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    match v.get_attr(k) {
        Some(Value::String(s)) => vec![s.to_string()],
        Some(x) => x.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default(),
        None => vec![],
    }
}

struct Run<'a, 'b> {
    ctx: &'a Context<'b>,
    hops: Vec<Hop>,
    explanations: Vec<Explanation>,
}

impl Run<'_, '_> {
    fn name_of(&self, id: &str) -> String {
        (self.ctx.locate)(id).map(|(a, _, _)| a).unwrap_or_else(|| id.to_string())
    }

    fn hop(&mut self, kind: &'static str, id: &str, az: Option<&str>, ok: bool, detail: String) {
        self.hops.push(Hop { kind, resource: self.name_of(id), id: id.to_string(), az_id: az.map(str::to_string), ok, detail });
    }

    fn explain(&mut self, code: &'static str, severity: &'static str, id: &str, message: String, fix: &str) {
        let (resource, file, line) = (self.ctx.locate)(id).unwrap_or_else(|| (id.to_string(), String::new(), 0));
        let e = Explanation { code, severity, message, resource, file, line, fix: fix.to_string() };
        if !self.explanations.contains(&e) {
            self.explanations.push(e);
        }
    }
}

fn first_host(cidr: &str) -> Option<Ipv4Addr> {
    let net: Ipv4Net = cidr.parse().ok()?;
    Some(Ipv4Addr::from(u32::from(net.network()) + 4))
}

/// Checks one path against the world.
pub fn verify_path(spec: &PathSpec, ctx: &Context<'_>) -> PathResult {
    let mut run = Run { ctx, hops: Vec::new(), explanations: Vec::new() };
    let verdict = evaluate(spec, &mut run);
    // Report hops in SPEC §6's order (stable: per-AZ hops keep their ENI order).
    const ORDER: &[&str] = &[
        "source",
        "dns",
        "source-sg-egress",
        "endpoint-eni",
        "endpoint-sg-ingress",
        "endpoint-connection",
        "service",
        "nlb-sg",
        "nlb-listener",
        "nlb-node",
        "target-group",
        "targets",
        "target-sg",
    ];
    run.hops.sort_by_key(|h| ORDER.iter().position(|k| *k == h.kind).unwrap_or(ORDER.len()));
    let ok = verdict == spec.expect;
    PathResult {
        name: spec.name.clone(),
        from: spec.from_label.clone(),
        to: spec.to_label.clone(),
        port: spec.port,
        expect: spec.expect,
        result: verdict,
        ok,
        hops: run.hops,
        explanations: run.explanations,
    }
}

fn evaluate(spec: &PathSpec, run: &mut Run<'_, '_>) -> Verdict {
    let world = run.ctx.world;
    let port = spec.port;
    if let Some(f) = &spec.create_failure {
        let (xcode, fix, context) = explain_create_failure(world, f);
        let addr = &f.address;
        run.hops.push(Hop {
            kind: "endpoint-eni",
            resource: addr.clone(),
            id: String::new(),
            az_id: None,
            ok: false,
            detail: format!("the endpoint was not created: {}: {}", f.code, f.message),
        });
        let (file, line) = (run.ctx.locate)(addr).map(|(_, f, l)| (f, l)).unwrap_or_default();
        let context = context.map(|c| format!(" ({c})")).unwrap_or_default();
        run.explanations.push(Explanation {
            code: xcode,
            severity: "error",
            message: format!("{addr} cannot be created: {}: {}{context}", f.code, f.message),
            resource: addr.clone(),
            file,
            line,
            fix: fix.to_string(),
        });
        return Verdict::Unreachable;
    }
    // ---- source
    let (vpc_id, peer_ip, src_sgs): (String, Option<Ipv4Addr>, Vec<String>) = match &spec.source {
        Some(Source::Instance { id }) => match world.get(id) {
            Some(o) => {
                let subnet = sv(&o.attrs, "subnet_id").to_string();
                let vpc = world.get(&subnet).map(|s| sv(&s.attrs, "vpc_id").to_string()).unwrap_or_default();
                let ip = sv(&o.attrs, "private_ip").parse().ok();
                let sgs = strs(&o.attrs, "vpc_security_group_ids");
                run.hop(
                    "source",
                    id,
                    None,
                    true,
                    format!("instance {id} at {} in {vpc}, security groups {}", sv(&o.attrs, "private_ip"), sgs.join(", ")),
                );
                (vpc, ip, sgs)
            }
            None => {
                run.hop("source", id, None, false, "the source instance does not exist".into());
                run.explain(
                    "SOURCE_NOT_FOUND",
                    "error",
                    id,
                    format!("the source {} does not exist in the world", spec.from_label),
                    "apply the configuration that creates it",
                );
                return Verdict::Unreachable;
            }
        },
        Some(Source::Subnet { id, security_groups }) => match world.get(id) {
            Some(o) => {
                let vpc = sv(&o.attrs, "vpc_id").to_string();
                let sgs = if security_groups.is_empty() {
                    world.get(&vpc).map(|v| vec![sv(&v.attrs, "default_security_group_id").to_string()]).unwrap_or_default()
                } else {
                    security_groups.clone()
                };
                run.hop(
                    "source",
                    id,
                    None,
                    true,
                    format!("a client in subnet {id} ({}) with security groups {}", sv(&o.attrs, "cidr_block"), sgs.join(", ")),
                );
                (vpc, first_host(sv(&o.attrs, "cidr_block")), sgs)
            }
            None => {
                run.hop("source", id, None, false, "the source subnet does not exist".into());
                run.explain(
                    "SOURCE_NOT_FOUND",
                    "error",
                    id,
                    format!("the source {} does not exist in the world", spec.from_label),
                    "apply the configuration that creates it",
                );
                return Verdict::Unreachable;
            }
        },
        Some(Source::AnyOfVpc { vpc_id }) => {
            run.hop("source", vpc_id, None, true, format!("any address of {vpc_id}"));
            (vpc_id.clone(), None, Vec::new())
        }
        None => {
            run.explain(
                "SOURCE_NOT_FOUND",
                "error",
                &spec.from_label,
                format!("the source {} does not exist in the world", spec.from_label),
                "apply the configuration that creates it",
            );
            return Verdict::Unreachable;
        }
    };
    let derived = matches!(spec.source, Some(Source::AnyOfVpc { .. }));
    let vpc_cidr: Option<Ipv4Net> = world.get(&vpc_id).and_then(|v| sv(&v.attrs, "cidr_block").parse().ok());
    let peer = if derived {
        Peer::AnyOfVpc { cidr: vpc_cidr, vpc_id: vpc_id.clone() }
    } else {
        Peer::Client { ip: peer_ip, sgs: src_sgs.clone() }
    };
    // ---- dns / endpoint selection
    let mut dns_failed = false;
    let endpoint: Option<String> = match &spec.target {
        Target::Name(name) => {
            let r = resolve(world, &vpc_id, name);
            if r.ips.is_empty() {
                dns_failed = true;
                let endpoints_here: Vec<String> = world.referencing("vpc_id", &vpc_id, Some("aws_vpc_endpoint"));
                // The endpoint the name was meant for: the VPC's endpoint to the service whose
                // private DNS name it is.
                let svc = world.referencing("private_dns_name", &name.to_lowercase(), Some("aws_vpc_endpoint_service")).into_iter().next();
                let meant = endpoints_here
                    .iter()
                    .find(|e| {
                        svc.as_ref().is_some_and(|s| {
                            world.get(e).and_then(|o| o.internal.get("service_id")).and_then(Value::as_str) == Some(s.as_str())
                        })
                    })
                    .cloned();
                match &r.not_effective {
                    Some(why) => {
                        run.hop("dns", &vpc_id, None, false, format!("{name} does not resolve in {vpc_id}: {why}"));
                        let fix = if why.contains("enable_dns_support") || why.contains("enable_dns_hostnames") {
                            "set enable_dns_support = true and enable_dns_hostnames = true on the consumer VPC"
                        } else if why.contains("has not verified") {
                            "publish the TXT record of private_dns_name_configuration in a public zone and verify (aws_vpc_endpoint_service_private_dns_verification)"
                        } else if why.contains("private_dns_enabled") {
                            "set private_dns_enabled = true on the endpoint (or resolve the endpoint's regional DNS name)"
                        } else {
                            "create an interface endpoint to the service in this VPC with private_dns_enabled = true"
                        };
                        let code = if why.contains("no endpoint") { "DNS_NAME_NOT_RESOLVED" } else { "DNS_PRIVATE_DNS_NOT_EFFECTIVE" };
                        // Name the resource to change: the VPC for its DNS attributes, the
                        // service for its unverified name, else the endpoint.
                        let ep = meant.clone().or_else(|| endpoints_here.first().cloned());
                        let culprit = if why.contains("enable_dns_support") || why.contains("enable_dns_hostnames") || ep.is_none() {
                            vpc_id.clone()
                        } else if why.contains("has not verified") {
                            svc.clone().or(ep).unwrap_or_else(|| vpc_id.clone())
                        } else {
                            ep.unwrap_or_else(|| vpc_id.clone())
                        };
                        let still = if code == "DNS_PRIVATE_DNS_NOT_EFFECTIVE" && !why.contains("enable_dns_support") {
                            "; the endpoint's regional vpce name still works"
                        } else {
                            ""
                        };
                        run.explain(code, "error", &culprit, format!("{name} does not resolve in {vpc_id}: {why}{still}"), fix);
                    }
                    None => {
                        run.hop("dns", &vpc_id, None, false, format!("{name} does not resolve in {vpc_id} (NXDOMAIN)"));
                        run.explain("DNS_NAME_NOT_RESOLVED", "error", &vpc_id, format!("{name} does not resolve in {vpc_id}: no endpoint private DNS, private zone or public record has it"), "use the endpoint's DNS name, enable private DNS on the endpoint, or add a record in a private zone associated with the VPC");
                    }
                }
                // Keep checking the endpoint the name was meant for, to report every hop.
                meant
            } else {
                run.hop(
                    "dns",
                    &vpc_id,
                    None,
                    true,
                    format!("{name} → {} (answered by {})", r.ips.join(", "), r.answered_by.clone().unwrap_or_default()),
                );
                if r.endpoint.is_none() {
                    run.explain(
                        "DNS_NAME_NOT_RESOLVED",
                        "error",
                        &vpc_id,
                        format!("{name} resolves to {}, which is not an interface endpoint", r.ips.join(", ")),
                        "point the name at the endpoint (its private DNS, or a CNAME to its regional DNS name)",
                    );
                    return Verdict::Unreachable;
                }
                r.endpoint
            }
        }
        Target::Endpoint { id } => {
            let regional = world.get(id).and_then(|o| {
                o.attrs.get_attr("dns_entry").and_then(Value::as_seq).and_then(|e| e.first().map(|x| sv(x, "dns_name").to_string()))
            });
            match regional {
                Some(n) => {
                    let r = resolve(world, &vpc_id, &n);
                    let ok = !r.ips.is_empty();
                    run.hop("dns", &vpc_id, None, ok, format!("{n} → {}", if ok { r.ips.join(", ") } else { "nothing".into() }));
                    if !ok {
                        dns_failed = true;
                        run.explain(
                            "DNS_NAME_NOT_RESOLVED",
                            "error",
                            &vpc_id,
                            format!("{n} does not resolve in {vpc_id}: {}", r.not_effective.unwrap_or_default()),
                            "set enable_dns_support = true on the VPC",
                        );
                    }
                    Some(id.clone())
                }
                None => None,
            }
        }
        Target::Service { id } => {
            let ep = world
                .referencing("vpc_id", &vpc_id, Some("aws_vpc_endpoint"))
                .into_iter()
                .find(|e| world.get(e).and_then(|o| o.internal.get("service_id")).and_then(Value::as_str) == Some(id.as_str()));
            if ep.is_none() {
                run.explain(
                    "SERVICE_NOT_FOUND",
                    "error",
                    id,
                    format!("{vpc_id} has no interface endpoint to {}", spec.to_label),
                    "create an aws_vpc_endpoint to the service in the source VPC",
                );
                return Verdict::Unreachable;
            }
            ep
        }
    };
    let Some(ep_id) = endpoint else {
        if !dns_failed {
            run.explain(
                "SERVICE_NOT_FOUND",
                "error",
                &vpc_id,
                format!("no endpoint for {} in {vpc_id}", spec.to_label),
                "create an interface endpoint to the service in the source VPC",
            );
        }
        return Verdict::Unreachable;
    };
    let Some(ep) = world.get(&ep_id) else {
        run.explain(
            "SERVICE_NOT_FOUND",
            "error",
            &ep_id,
            format!("the endpoint {ep_id} does not exist"),
            "apply the configuration that creates it",
        );
        return Verdict::Unreachable;
    };
    let ep_attrs = ep.attrs.clone();
    // ---- connection and service (common to every AZ)
    let state = sv(&ep_attrs, "state").to_string();
    let conn_ok = state == "available";
    run.hop("endpoint-connection", &ep_id, None, conn_ok, format!("connection state {state}"));
    let svc_id = ep.internal.get("service_id").and_then(Value::as_str).unwrap_or("").to_string();
    if !conn_ok {
        match state.as_str() {
            "pendingAcceptance" => run.explain("ENDPOINT_PENDING_ACCEPTANCE", "error", &ep_id, format!("{} waits for the provider to accept it (service {svc_id} has acceptance_required = true)", run.name_of(&ep_id)), "accept it: an aws_vpc_endpoint_connection_accepter in the provider's root, or plcli cloud ec2 accept-vpc-endpoint-connections"),
            "rejected" => run.explain("ENDPOINT_REJECTED", "error", &ep_id, format!("the provider rejected the connection of {}", run.name_of(&ep_id)), "ask the provider to accept it, or delete and re-create the endpoint after they allow it"),
            other => run.explain("ENDPOINT_NOT_AVAILABLE", "error", &ep_id, format!("{} is in state {other}", run.name_of(&ep_id)), "wait for the endpoint to become available"),
        }
    }
    let Some(svc) = world.get(&svc_id).cloned() else {
        run.hop("service", &svc_id, None, false, "the endpoint service does not exist".into());
        run.explain(
            "SERVICE_NOT_FOUND",
            "error",
            &ep_id,
            format!("the endpoint's service {svc_id} no longer exists"),
            "re-create the endpoint service and the endpoint",
        );
        return Verdict::Unreachable;
    };
    run.hop("service", &svc_id, None, true, format!("{} ({})", sv(&svc.attrs, "service_name"), sv(&svc.attrs, "state")));
    // The NLB, its nodes per AZ ID, security groups, listener, target group.
    let lbs = strs(&svc.attrs, "network_load_balancer_arns");
    let lb_id = lbs.first().cloned().unwrap_or_default();
    let lb = world.get(&lb_id).cloned();
    let nodes: BTreeMap<String, String> = lb
        .as_ref()
        .and_then(|l| {
            l.internal
                .get("nodes")
                .and_then(Value::as_map)
                .map(|m| m.iter().map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string())).collect())
        })
        .unwrap_or_default();
    let lb_attrs = lb.as_ref().map(|l| l.attrs.clone()).unwrap_or(Value::Null);
    let lb_sgs = strs(&lb_attrs, "security_groups");
    let enforce = sv(&lb_attrs, "enforce_security_group_inbound_rules_on_private_link_traffic") != "off";
    let cross_zone = lb_attrs.get_attr("enable_cross_zone_load_balancing").and_then(Value::as_bool).unwrap_or(false);
    let listener = world
        .referencing("load_balancer_arn", &lb_id, Some("aws_lb_listener"))
        .into_iter()
        .chain(world.referencing("load_balancer_arn", &lb_id, Some("aws_alb_listener")))
        .find(|l| world.get(l).and_then(|o| o.attrs.get_attr("port").and_then(Value::as_number)) == Some(port as f64));
    let listener_ok = listener.is_some();
    run.hop(
        "nlb-listener",
        &lb_id,
        None,
        listener_ok,
        if listener_ok { format!("listener on port {port}") } else { format!("no listener on port {port}") },
    );
    if !listener_ok {
        let ports: Vec<String> = world
            .referencing("load_balancer_arn", &lb_id, Some("aws_lb_listener"))
            .iter()
            .filter_map(|l| world.get(l).and_then(|o| o.attrs.get_attr("port").and_then(Value::as_number)))
            .map(format_number)
            .collect();
        run.explain(
            "LISTENER_NOT_FOUND",
            "error",
            &lb_id,
            format!(
                "{} has no listener on port {port} (listeners: {})",
                run.name_of(&lb_id),
                if ports.is_empty() { "none".into() } else { ports.join(", ") }
            ),
            "add an aws_lb_listener on the port clients use, or connect to a port the NLB listens on",
        );
    }
    let listener_attrs = listener.as_ref().and_then(|l| world.get(l)).map(|o| o.attrs.clone()).unwrap_or(Value::Null);
    let tg_id = listener_attrs
        .get_attr("default_action")
        .and_then(Value::as_seq)
        .and_then(|a| a.iter().find_map(|x| x.get_attr("target_group_arn").and_then(Value::as_str).map(str::to_string)))
        .unwrap_or_default();
    let tg = world.get(&tg_id).map(|o| o.attrs.clone()).unwrap_or(Value::Null);
    let tg_cross = match sv(&tg, "load_balancing_cross_zone_enabled") {
        "true" => true,
        "false" => false,
        _ => cross_zone,
    };
    let attachments = world
        .referencing("target_group_arn", &tg_id, Some("aws_lb_target_group_attachment"))
        .into_iter()
        .chain(world.referencing("target_group_arn", &tg_id, Some("aws_alb_target_group_attachment")))
        .collect::<Vec<_>>();
    if listener_ok {
        run.hop("target-group", &tg_id, None, !attachments.is_empty(), format!("{} registered target(s)", attachments.len()));
        if attachments.is_empty() {
            run.explain(
                "NO_REGISTERED_TARGETS",
                "error",
                &tg_id,
                format!("{} has no registered targets", run.name_of(&tg_id)),
                "register targets with aws_lb_target_group_attachment",
            );
        }
    }
    // Target health: per target, its AZ ID and whether it is healthy.
    let node_ips: Vec<Ipv4Addr> = nodes.values().filter_map(|ip| ip.parse().ok()).collect();
    let tg_port = tg.get_attr("port").and_then(Value::as_number).unwrap_or(port as f64) as u16;
    let mut targets: Vec<(String, String, bool, bool)> = Vec::new(); // id, az_id, healthy, sg_ok
    for att in &attachments {
        let Some(a) = world.get(att) else { continue };
        let target = sv(&a.attrs, "target_id").to_string();
        let tport = a.attrs.get_attr("port").and_then(Value::as_number).map(|p| p as u16).unwrap_or(tg_port);
        let (az_id, sgs) = match world.get(&target) {
            Some(inst) => {
                let subnet = sv(&inst.attrs, "subnet_id");
                let az = world.get(subnet).map(|s| sv(&s.attrs, "availability_zone_id").to_string()).unwrap_or_default();
                (az, strs(&inst.attrs, "vpc_security_group_ids"))
            }
            None => {
                // An IP target: find the ENI or instance with that address through its subnet.
                let az = sv(&a.attrs, "availability_zone").to_string();
                (az, Vec::new())
            }
        };
        let sg_ok = sgs.is_empty()
            || node_ips.iter().all(|ip| admits(world, &sgs, "ingress", tport, &Peer::Client { ip: Some(*ip), sgs: lb_sgs.clone() }));
        let healthy = sg_ok
            && !run.ctx.scenario.unhealthy_targets.contains(&target)
            && !run.ctx.scenario.unhealthy_targets.contains(att)
            && !run.ctx.scenario.failed_az_ids.contains(&az_id);
        targets.push((target, az_id, healthy, sg_ok));
    }
    let sg_denied: Vec<&(String, String, bool, bool)> = targets.iter().filter(|t| !t.3).collect();
    if !sg_denied.is_empty() {
        for t in &sg_denied {
            run.hop(
                "target-sg",
                &t.0,
                Some(&t.1),
                false,
                format!("security groups of {} do not admit the NLB's addresses on port {tg_port}", t.0),
            );
        }
        // The security group to change: the first of the first refusing target's.
        let first = world
            .get(&sg_denied[0].0)
            .and_then(|o| strs(&o.attrs, "vpc_security_group_ids").into_iter().next())
            .unwrap_or_else(|| sg_denied[0].0.clone());
        run.explain("TARGET_SG_DENIES_NLB", "error", &first, format!("the security groups of {} target(s) do not admit the NLB's private addresses ({}) on port {tg_port}: PrivateLink traffic reaches targets from the NLB, never from the client", sg_denied.len(), nodes.values().cloned().collect::<Vec<_>>().join(", ")), "allow the NLB's subnets' CIDRs (or the NLB's security group) on the target port in the targets' security groups");
    }
    // ---- per endpoint ENI / AZ
    let mut enis: Vec<(String, String, String, String)> = Vec::new(); // eni, ip, az_id, subnet
    for eni in strs(&ep_attrs, "network_interface_ids") {
        if let Some(o) = world.get(&eni) {
            let subnet = sv(&o.attrs, "subnet_id").to_string();
            if spec.only_subnet.as_ref().is_some_and(|s| *s != subnet) {
                continue;
            }
            enis.push((eni.clone(), sv(&o.attrs, "private_ip").to_string(), sv(&o.attrs, "availability_zone_id").to_string(), subnet));
        }
    }
    let ep_sgs = strs(&ep_attrs, "security_group_ids");
    let mut working = 0;
    let common_ok = conn_ok && listener_ok && !attachments.is_empty() && !dns_failed;
    let ep_name = run.name_of(&ep_id);
    for (eni, ip, az, subnet) in &enis {
        let mut ok = common_ok;
        let failed_az = run.ctx.scenario.failed_az_ids.contains(az);
        let az_name = world.get(eni).map(|o| sv(&o.attrs, "availability_zone").to_string()).unwrap_or_default();
        let where_ = if az_name.is_empty() { az.clone() } else { format!("{az_name} ({az})") };
        run.hop("endpoint-eni", eni, Some(az), !failed_az, format!("{ip} in {where_}"));
        if failed_az {
            ok = false;
            run.explain(
                "AZ_FAILED",
                "error",
                &ep_id,
                format!(
                    "the scenario failed {az}: the ENI {eni} ({ip}) of {ep_name} in {} is down, with the NLB node there",
                    run.name_of(subnet)
                ),
                "clients in other AZs still work; spread clients and endpoint subnets over several AZs",
            );
        }
        let eni_ip: Option<Ipv4Addr> = ip.parse().ok();
        if !derived {
            let egress = admits(world, &src_sgs, "egress", port, &Peer::Client { ip: eni_ip, sgs: ep_sgs.clone() });
            run.hop(
                "source-sg-egress",
                &src_sgs.first().cloned().unwrap_or_default(),
                Some(az),
                egress,
                format!("egress to {ip}:{port} {}", if egress { "allowed" } else { "denied" }),
            );
            if !egress {
                ok = false;
                let sg = src_sgs.first().cloned().unwrap_or_default();
                run.explain(
                    "SOURCE_SG_EGRESS_DENIED",
                    "error",
                    &sg,
                    format!("the client's security groups ({}) do not allow egress to {ip} on TCP {port}", src_sgs.join(", ")),
                    "add an egress rule for the port to the endpoint's security group or the VPC CIDR",
                );
            }
        }
        let ingress = admits(world, &ep_sgs, "ingress", port, &peer);
        run.hop(
            "endpoint-sg-ingress",
            &ep_sgs.first().cloned().unwrap_or_default(),
            Some(az),
            ingress,
            format!("ingress on TCP {port} {}", if ingress { "allowed" } else { "denied" }),
        );
        if !ingress {
            ok = false;
            let sg = ep_sgs.first().cloned().unwrap_or_default();
            run.explain(
                "ENDPOINT_SG_INGRESS_DENIED",
                "error",
                &sg,
                format!(
                    "the endpoint's security groups ({}) do not admit {} on TCP {port}",
                    ep_sgs.join(", "),
                    if derived {
                        "any address of the VPC".to_string()
                    } else {
                        format!("the client{}", peer_ip.map(|i| format!(" {i}")).unwrap_or_default())
                    }
                ),
                "allow the port from the client's security group or the VPC CIDR in the endpoint's security group",
            );
        }
        let served = nodes.contains_key(az);
        if !served {
            ok = false;
            run.explain(
                "ENDPOINT_AZ_NOT_SERVED",
                "error",
                subnet,
                format!("the ENI {eni} ({ip}) of {ep_name} is in {} in {where_}, where the service's NLB has no node (it is in {}); AZ names differ between accounts, compare AZ IDs", run.name_of(subnet), nodes.keys().cloned().collect::<Vec<_>>().join(", ")),
                "add an NLB subnet in that AZ ID, or move the endpoint subnet to an AZ ID the NLB covers",
            );
        }
        if !lb_sgs.is_empty() && enforce {
            let nlb_ok = admits(world, &lb_sgs, "ingress", port, &Peer::Client { ip: eni_ip, sgs: vec![] });
            run.hop(
                "nlb-sg",
                &lb_id,
                Some(az),
                nlb_ok,
                format!("NLB security groups {} PrivateLink traffic from {ip}", if nlb_ok { "admit" } else { "deny" }),
            );
            if !nlb_ok {
                ok = false;
                run.explain("NLB_SG_DENIES_PRIVATELINK", "error", &lb_id, format!("the NLB enforces its security groups ({}) on PrivateLink traffic, and they do not admit {ip} on TCP {port}", lb_sgs.join(", ")), "allow the consumers' endpoint addresses (or 0.0.0.0/0 for PrivateLink-only NLBs) on the listener port, or set enforce_security_group_inbound_rules_on_private_link_traffic = \"off\"");
            }
        }
        if served {
            let node_down = run.ctx.scenario.failed_az_ids.contains(az);
            run.hop(
                "nlb-node",
                &lb_id,
                Some(az),
                !node_down,
                format!("node {} in {az}, cross-zone {}", nodes.get(az).cloned().unwrap_or_default(), if tg_cross { "on" } else { "off" }),
            );
            if node_down {
                ok = false;
            }
            if listener_ok && !attachments.is_empty() {
                let usable: Vec<&(String, String, bool, bool)> = targets.iter().filter(|t| t.2 && (tg_cross || t.1 == *az)).collect();
                let any_healthy = targets.iter().any(|t| t.2);
                run.hop("targets", &tg_id, Some(az), !usable.is_empty(), format!("{} healthy target(s) usable from {az}", usable.len()));
                // Unhealthy only because the scenario failed their AZs.
                let only_failed_azs = targets.iter().all(|t| t.2 || run.ctx.scenario.failed_az_ids.contains(&t.1));
                if usable.is_empty() {
                    ok = false;
                    if node_down {
                        // AZ_FAILED already says why: the ENI and the NLB node there are down.
                    } else if any_healthy && !tg_cross {
                        run.explain("NO_HEALTHY_TARGETS_IN_AZ", "error", &tg_id, format!("no healthy target in {az} and cross-zone load balancing is off, so the NLB node there has nowhere to send traffic"), "register healthy targets in every AZ of the NLB, or enable cross-zone load balancing");
                    } else if sg_denied.is_empty() && only_failed_azs {
                        let azs: BTreeSet<&str> = targets.iter().map(|t| t.1.as_str()).collect();
                        run.explain(
                            "AZ_FAILED",
                            "error",
                            &tg_id,
                            format!("every target of {} is in an AZ the scenario failed ({}), so the NLB node in {az} has no healthy target", run.name_of(&tg_id), azs.into_iter().collect::<Vec<_>>().join(", ")),
                            "register targets in more AZs (and enable cross-zone load balancing) so that one AZ failure leaves healthy targets",
                        );
                    } else if sg_denied.is_empty() {
                        run.explain(
                            "NO_HEALTHY_TARGETS",
                            "error",
                            &tg_id,
                            format!("no target of {} is healthy", run.name_of(&tg_id)),
                            "fix the targets' health checks (or their security groups)",
                        );
                    }
                }
            }
        }
        if ok {
            working += 1;
        }
    }
    // ---- warnings
    if listener_ok && sv(&listener_attrs, "protocol") == "TCP" {
        let idle = listener_attrs.get_attr("tcp_idle_timeout_seconds").and_then(Value::as_number).unwrap_or(350.0);
        let l = listener.clone().unwrap_or_default();
        run.explain(
            "IDLE_TIMEOUT_RISK",
            "warning",
            &l,
            format!(
                "TCP listener: idle connections are dropped after {} s without a reset; clients need keepalives shorter than that",
                format_number(idle)
            ),
            "enable TCP keepalives (or application heartbeats) shorter than tcp_idle_timeout_seconds",
        );
    }
    if enis.len() == 1 && spec.only_subnet.is_none() {
        run.explain(
            "SINGLE_AZ",
            "warning",
            &ep_id,
            format!("{} has one subnet, so one AZ failure cuts it off", run.name_of(&ep_id)),
            "give the endpoint a subnet in a second AZ ID the service covers",
        );
    }
    if !tg_cross && !targets.is_empty() {
        let mut per_az: BTreeMap<&str, usize> = nodes.keys().map(|k| (k.as_str(), 0)).collect();
        for t in targets.iter().filter(|t| t.2) {
            if let Some(n) = per_az.get_mut(t.1.as_str()) {
                *n += 1;
            }
        }
        let counts: BTreeSet<usize> = per_az.values().copied().collect();
        if counts.len() > 1 {
            run.explain("CROSS_ZONE_OFF_UNEVEN_TARGETS", "warning", &lb_id, format!("cross-zone load balancing is off and healthy targets per AZ are uneven ({}): each AZ's clients load only that AZ's targets", per_az.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")), "balance targets across AZs or enable cross-zone load balancing");
        }
    }
    if enis.is_empty() {
        return Verdict::Unreachable;
    }
    match working {
        0 => Verdict::Unreachable,
        n if n == enis.len() => Verdict::Reachable,
        _ => Verdict::Partial,
    }
}
