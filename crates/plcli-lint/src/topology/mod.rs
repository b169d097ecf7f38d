//! The configuration as rules see it: instances by address and type, who refers to whom
//! (through tokens), and the PrivateLink chain between them.
//!
//! What is resolved statically, through tokens and the configuration's own values:
//! an interface endpoint's service (`service_name` naming an `aws_vpc_endpoint_service`, also
//! through a `data "aws_vpc_endpoint_service"` looked up by that name), the service's NLBs
//! (`network_load_balancer_arns`), an NLB's subnets (`subnets` or `subnet_mapping`, dynamic
//! blocks included), listeners and target groups, an endpoint's subnets and security groups
//! (with `aws_vpc_endpoint_subnet_association` / `_security_group_association`), a subnet's AZ
//! (name or ID, turned into the other through its account's mapping: the `simulation`
//! block's `az_ids`, else SPEC §3.2's rotation), security group rules written inline or as
//! separate resources, allowed principals written inline or as separate resources, each
//! provider's account and principal, and dependency order (references and `depends_on`,
//! through variables, locals and module calls). What is not: objects outside the
//! configuration (literal IDs, data sources that read the world), values from unset
//! variables, resources of modules that are not available offline, and resources whose
//! count or for_each is unknown (rules then stay silent where the answer depends on them).

mod sg;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use plcli_config::{Module, Resource, ResourceMode};
use plcli_graph::{Caller, InstanceRecord};
use plcli_lang::Value;
use plcli_syntax::{SourceMap, Span};

pub use sg::Protocol;

use crate::analyze::Analysis;
use crate::hook::{az_map, resource_of};
use crate::locate::member_span;
use crate::token::{as_token, visit};

/// One resource or data source instance.
#[derive(Debug, Clone, Copy)]
pub struct Inst<'a> {
    pub rec: &'a InstanceRecord,
    /// Its declaration (for spans), when its module is loaded.
    pub res: Option<&'a Resource>,
    /// Whether it is the single stand-in of a resource whose count/for_each is unknown.
    pub unexpanded: bool,
}

static NULL: Value = Value::Null;

impl<'a> Inst<'a> {
    pub fn address(&self) -> &'a str {
        &self.rec.address
    }

    pub fn ty(&self) -> &'a str {
        &self.rec.ty
    }

    /// An evaluated argument (`null` when absent).
    pub fn get(&self, name: &str) -> &'a Value {
        self.rec.config.get_attr(name).unwrap_or(&NULL)
    }

    pub fn str(&self, name: &str) -> Option<&'a str> {
        self.get(name).as_str()
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            _ => None,
        }
    }

    pub fn num(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Whether the configuration writes the argument or block.
    pub fn is_set(&self, name: &str) -> bool {
        self.rec.configured.iter().any(|c| c == name)
    }

    /// The block header (`resource "aws_lb" "x"`).
    pub fn header(&self) -> Span {
        self.rec.span
    }
}

/// An AZ as both accounts could name it: the ID, and the owner's name for it when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Az {
    pub name: Option<String>,
    pub id: String,
}

impl fmt::Display for Az {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{n} ({})", self.id),
            None => f.write_str(&self.id),
        }
    }
}

/// Instances of one type that refer to a target, and whether that list is complete (no
/// instance of the type whose reference or count is unknown could add to it).
#[derive(Debug)]
pub struct Refs<'t, 'a> {
    pub found: Vec<&'t Inst<'a>>,
    pub complete: bool,
}

/// The queryable configuration.
pub struct Topology<'a> {
    pub root: &'a Module,
    pub sources: &'a SourceMap,
    pub analysis: &'a Analysis,
    insts: Vec<Inst<'a>>,
    by_addr: HashMap<&'a str, usize>,
    /// Managed resource type → its expanded instances.
    by_type: HashMap<&'a str, Vec<usize>>,
    /// Target address → (referrer, the referrer's top-level argument holding the reference).
    incoming: HashMap<&'a str, Vec<(usize, &'a str)>>,
    /// (type, argument) pairs where some instance's argument is unknown: it may refer to
    /// anything.
    unknown_refs: HashSet<(&'a str, &'a str)>,
    /// Resource node (address without instance keys) → the resource nodes it depends on.
    deps: HashMap<String, &'a BTreeSet<String>>,
}

/// A resource node's address (no instance keys), as `InstanceRecord::depends_on` names them.
pub fn node(rec: &InstanceRecord) -> String {
    let prefix: String = rec.module.iter().map(|(n, _)| format!("module.{n}.")).collect();
    match rec.mode {
        ResourceMode::Managed => format!("{prefix}{}.{}", rec.ty, rec.name),
        ResourceMode::Data => format!("{prefix}data.{}.{}", rec.ty, rec.name),
    }
}

impl<'a> Topology<'a> {
    pub fn new(root: &'a Module, analysis: &'a Analysis, sources: &'a SourceMap) -> Topology<'a> {
        let mut t = Topology {
            root,
            sources,
            analysis,
            insts: Vec::new(),
            by_addr: HashMap::new(),
            by_type: HashMap::new(),
            incoming: HashMap::new(),
            unknown_refs: HashSet::new(),
            deps: HashMap::new(),
        };
        let all = analysis.eval.instances.iter().map(|r| (r, false)).chain(analysis.unexpanded.iter().map(|r| (r, true)));
        for (rec, unexpanded) in all {
            let i = t.insts.len();
            t.insts.push(Inst { rec, res: resource_of(root, rec), unexpanded });
            if !unexpanded {
                t.by_addr.insert(&rec.address, i);
                if rec.mode == ResourceMode::Managed {
                    t.by_type.entry(&rec.ty).or_default().push(i);
                }
            }
            t.deps.entry(node(rec)).or_insert(&rec.depends_on);
            if let Value::Object(m) = &rec.config {
                for (k, v) in m {
                    // Written but unknown: it may refer to anything (unset computed arguments
                    // refer to nothing).
                    if v.is_unknown() && rec.configured.iter().any(|c| c == k) {
                        t.unknown_refs.insert((&rec.ty, k));
                    }
                    let mut targets: Vec<&'a str> = Vec::new();
                    visit(v, &mut |tok| targets.push(tok.address));
                    targets.sort_unstable();
                    targets.dedup();
                    for target in targets {
                        t.incoming.entry(target).or_default().push((i, k));
                    }
                }
            }
        }
        t
    }

    /// Expanded instances of a managed resource type, in walk order.
    pub fn of_type<'t>(&'t self, ty: &str) -> impl Iterator<Item = &'t Inst<'a>> + 't {
        self.by_type.get(ty).into_iter().flatten().map(move |i| &self.insts[*i])
    }

    /// Every expanded instance.
    pub fn instances<'t>(&'t self) -> impl Iterator<Item = &'t Inst<'a>> + 't {
        self.insts.iter().filter(|i| !i.unexpanded)
    }

    pub fn get(&self, address: &str) -> Option<&Inst<'a>> {
        self.by_addr.get(address).map(|i| &self.insts[*i])
    }

    /// The provider configuration an instance acts through.
    pub fn caller(&self, inst: &Inst<'_>) -> Option<&'a Caller> {
        self.analysis.eval.callers.get(&inst.rec.provider)
    }

    /// Where the argument or block `name` of `inst` is written, else its block header.
    pub fn span(&self, inst: &Inst<'_>, name: &str) -> Span {
        inst.res.and_then(|r| member_span(r, name, self.sources)).unwrap_or(inst.rec.span)
    }

    /// The instance a single-token string refers to, if it is one of `types`.
    pub fn resolve(&self, v: &Value, types: &[&str]) -> Option<&Inst<'a>> {
        let t = v.as_str().and_then(as_token)?;
        self.get(t.address).filter(|i| types.contains(&i.ty()))
    }

    /// Every element of a list or set resolved to an instance of one of `types`; `None` when
    /// the value, or any element, is not a reference to such an instance.
    pub fn resolve_each(&self, v: &Value, types: &[&str]) -> Option<Vec<&Inst<'a>>> {
        v.as_seq()?.iter().map(|e| self.resolve(e, types)).collect()
    }

    /// Instances of type `ty` whose argument `attr` refers to `target`.
    pub fn referrers<'t>(&'t self, target: &Inst<'_>, ty: &str, attr: &str) -> Refs<'t, 'a> {
        let mut found = Vec::new();
        let mut complete = !self.unknown_refs.contains(&(ty, attr));
        for (i, a) in self.incoming.get(target.address()).into_iter().flatten() {
            let inst = &self.insts[*i];
            if inst.ty() != ty || *a != attr || inst.rec.mode != ResourceMode::Managed {
                continue;
            }
            if inst.unexpanded {
                complete = false;
            } else {
                found.push(inst);
            }
        }
        Refs { found, complete }
    }

    /// Whether `from` depends on `target`, directly or through other resources.
    pub fn depends_on(&self, from: &Inst<'_>, target: &Inst<'_>) -> bool {
        self.ancestors(from).contains(node(target.rec).as_str())
    }

    /// The resource nodes (see [`node`]) `from` depends on, directly or through others.
    pub fn ancestors<'t>(&'t self, from: &'t Inst<'_>) -> HashSet<&'t str> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = from.rec.depends_on.iter().map(String::as_str).collect();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(next) = self.deps.get(n) {
                stack.extend(next.iter().map(String::as_str));
            }
        }
        seen
    }

    // ------------------------------------------------------------------ AZs

    /// A subnet's AZ, from `availability_zone` or `availability_zone_id` and its account.
    pub fn subnet_az(&self, subnet: &Inst<'_>) -> Option<Az> {
        if subnet.ty() != "aws_subnet" {
            return None;
        }
        let caller = self.caller(subnet)?;
        let map = az_map(&self.analysis.eval.simulation, &caller.account, &caller.region);
        if let Some(id) = subnet.str("availability_zone_id") {
            return Some(Az { name: map.iter().find(|(_, v)| *v == id).map(|(k, _)| k.clone()), id: id.to_string() });
        }
        let name = subnet.str("availability_zone")?;
        Some(Az { name: Some(name.to_string()), id: map.get(name)?.clone() })
    }

    /// `id` as `account` calls it: `us-east-1c (use1-az1)`.
    pub fn az_in(&self, caller: &Caller, id: &str) -> Az {
        let map = az_map(&self.analysis.eval.simulation, &caller.account, &caller.region);
        Az { name: map.iter().find(|(_, v)| *v == id).map(|(k, _)| k.clone()), id: id.to_string() }
    }

    // ------------------------------------------------------------------ load balancers

    /// An NLB's subnets (`subnets` or `subnet_mapping`), when every one is known.
    pub fn lb_subnets(&self, lb: &Inst<'_>) -> Option<Vec<&Inst<'a>>> {
        if lb.is_set("subnets") {
            return self.resolve_each(lb.get("subnets"), &["aws_subnet"]);
        }
        let mappings = lb.get("subnet_mapping").as_seq().filter(|m| !m.is_empty())?;
        mappings.iter().map(|m| self.resolve(m.get_attr("subnet_id")?, &["aws_subnet"])).collect()
    }

    /// An NLB's subnets with their AZs.
    pub fn lb_azs(&self, lb: &Inst<'_>) -> Option<Vec<(&Inst<'a>, Az)>> {
        self.lb_subnets(lb)?.into_iter().map(|s| Some((s, self.subnet_az(s)?))).collect()
    }

    /// Whether a load balancer is a Network Load Balancer.
    pub fn is_nlb(&self, lb: &Inst<'_>) -> bool {
        lb.str("load_balancer_type") == Some("network")
    }

    /// The listeners of a load balancer with their ports and protocols; `None` when a
    /// listener's port is unknown or listeners may be missing.
    pub fn lb_listeners(&self, lb: &Inst<'_>) -> Option<Vec<(&Inst<'a>, i64, String)>> {
        let mut out = Vec::new();
        for ty in ["aws_lb_listener", "aws_alb_listener"] {
            let refs = self.referrers(lb, ty, "load_balancer_arn");
            if !refs.complete {
                return None;
            }
            for l in refs.found {
                let port = l.num("port")? as i64;
                let protocol = match l.get("protocol") {
                    Value::String(p) => p.as_str().to_ascii_uppercase(),
                    Value::Null | Value::Unknown if self.is_nlb(lb) => "TCP".to_string(),
                    _ => return None,
                };
                out.push((l, port, protocol));
            }
        }
        Some(out)
    }

    /// The target groups a listener forwards to (default actions), when known.
    pub fn listener_target_groups(&self, listener: &Inst<'_>) -> Option<Vec<&Inst<'a>>> {
        let mut out = Vec::new();
        for action in listener.get("default_action").as_seq()? {
            let mut any = false;
            if let Some(tg) = action.get_attr("target_group_arn").filter(|v| !v.is_null()) {
                out.push(self.resolve(tg, &["aws_lb_target_group", "aws_alb_target_group"])?);
                any = true;
            }
            for fwd in action.get_attr("forward").and_then(Value::as_seq).unwrap_or(&[]) {
                for tg in fwd.get_attr("target_group").and_then(Value::as_seq).unwrap_or(&[]) {
                    out.push(self.resolve(tg.get_attr("arn")?, &["aws_lb_target_group", "aws_alb_target_group"])?);
                    any = true;
                }
            }
            if !any && action.get_attr("type").and_then(Value::as_str) == Some("forward") {
                return None;
            }
        }
        Some(out)
    }

    // ------------------------------------------------------------------ endpoint services

    /// An endpoint service's load balancers, when every ARN is one in the configuration.
    pub fn service_lbs(&self, svc: &Inst<'_>) -> Option<Vec<&Inst<'a>>> {
        let lbs = self.resolve_each(svc.get("network_load_balancer_arns"), &["aws_lb", "aws_alb"])?;
        (!lbs.is_empty()).then_some(lbs)
    }

    /// The AZs an endpoint service is published in (its NLBs' AZs, in the owner's names).
    pub fn service_azs(&self, svc: &Inst<'_>) -> Option<Vec<Az>> {
        let mut out: Vec<Az> = Vec::new();
        for lb in self.service_lbs(svc)? {
            for (_, az) in self.lb_azs(lb)? {
                if !out.iter().any(|a| a.id == az.id) {
                    out.push(az);
                }
            }
        }
        Some(out)
    }

    /// Every allowed principal of a service: inline entries and separate resources (with
    /// the resource), and whether the list is complete and known.
    pub fn service_principals<'t>(&'t self, svc: &Inst<'_>) -> (Vec<(String, Option<&'t Inst<'a>>)>, bool) {
        let mut out = Vec::new();
        let mut complete = true;
        match svc.get("allowed_principals") {
            _ if !svc.is_set("allowed_principals") => {}
            Value::Null => {}
            v => match v.as_seq() {
                Some(items) => {
                    for p in items {
                        match p.as_str() {
                            Some(s) => out.push((s.to_string(), None)),
                            None => complete = false,
                        }
                    }
                }
                None => complete = false,
            },
        }
        let refs = self.referrers(svc, "aws_vpc_endpoint_service_allowed_principal", "vpc_endpoint_service_id");
        complete &= refs.complete;
        for r in refs.found {
            match r.str("principal_arn") {
                Some(s) => out.push((s.to_string(), Some(r))),
                None => complete = false,
            }
        }
        (out, complete)
    }

    // ------------------------------------------------------------------ interface endpoints

    /// Whether an `aws_vpc_endpoint` is of type Interface (the provider's default is Gateway).
    pub fn is_interface(&self, ep: &Inst<'_>) -> bool {
        ep.str("vpc_endpoint_type").is_some_and(|t| t.eq_ignore_ascii_case("Interface"))
    }

    /// The endpoint service in this configuration an endpoint connects to.
    pub fn endpoint_service(&self, ep: &Inst<'_>) -> Option<&Inst<'a>> {
        let mut v = ep.get("service_name");
        for _ in 0..4 {
            let t = v.as_str().and_then(as_token)?;
            let target = self.get(t.address)?;
            match (target.rec.mode, target.ty()) {
                (ResourceMode::Managed, "aws_vpc_endpoint_service") => return Some(target),
                (ResourceMode::Data, "aws_vpc_endpoint_service") => v = target.get("service_name"),
                _ => return None,
            }
        }
        None
    }

    /// An endpoint's subnets (`subnet_ids` and subnet associations), each with the span of
    /// the argument that adds it; `None` when one is not known.
    pub fn endpoint_subnets(&self, ep: &Inst<'_>) -> Option<Vec<(&Inst<'a>, &Inst<'a>, Span)>> {
        let mut out = Vec::new();
        if ep.is_set("subnet_ids") {
            let here = self.get(ep.address())?;
            for s in self.resolve_each(ep.get("subnet_ids"), &["aws_subnet"])? {
                out.push((s, here, self.span(ep, "subnet_ids")));
            }
        }
        let refs = self.referrers(ep, "aws_vpc_endpoint_subnet_association", "vpc_endpoint_id");
        if !refs.complete {
            return None;
        }
        for a in refs.found {
            out.push((self.resolve(a.get("subnet_id"), &["aws_subnet"])?, a, self.span(a, "subnet_id")));
        }
        Some(out)
    }

    /// An endpoint's security groups (`security_group_ids` and associations); `None` when
    /// one is not a security group of the configuration.
    pub fn endpoint_sgs(&self, ep: &Inst<'_>) -> Option<Vec<&Inst<'a>>> {
        let mut out = Vec::new();
        if ep.is_set("security_group_ids") {
            out.extend(self.resolve_each(ep.get("security_group_ids"), &["aws_security_group"])?);
        }
        let refs = self.referrers(ep, "aws_vpc_endpoint_security_group_association", "vpc_endpoint_id");
        if !refs.complete {
            return None;
        }
        for a in refs.found {
            out.push(self.resolve(a.get("security_group_id"), &["aws_security_group"])?);
        }
        Some(out)
    }

    /// Whether an endpoint is given security groups at all (else AWS attaches the VPC's
    /// default security group); `None` when that is not known.
    pub fn endpoint_has_sgs(&self, ep: &Inst<'_>) -> Option<bool> {
        let own = match ep.get("security_group_ids") {
            _ if !ep.is_set("security_group_ids") => false,
            Value::Null => false,
            v => !v.as_seq()?.is_empty(),
        };
        let refs = self.referrers(ep, "aws_vpc_endpoint_security_group_association", "vpc_endpoint_id");
        if own || !refs.found.is_empty() {
            return Some(true);
        }
        refs.complete.then_some(false)
    }
}
