//! Security group rules, normalised from the three ways Terraform writes them.

use plcli_lang::Value;

use crate::token::as_token;

use super::{Inst, Topology};

/// An IP protocol as security group rules name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    All,
    Tcp,
    Udp,
    Icmp,
    Other,
}

impl Protocol {
    /// `tcp`, `6`, `-1`, `all`, ... (case-insensitive).
    pub fn parse(s: &str) -> Protocol {
        match s.to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "1" => Protocol::Icmp,
            _ => Protocol::Other,
        }
    }
}

/// One rule of one direction.
#[derive(Debug, Clone)]
pub struct SgRule<'a> {
    /// The security group (inline rule) or rule resource it is written in.
    pub origin: &'a Inst<'a>,
    pub protocol: Protocol,
    pub from: i64,
    pub to: i64,
    /// How many sources (CIDRs, prefix lists, security groups, self) it names; each is a
    /// rule for AWS's quota. Unknown lists count as one.
    pub sources: usize,
    /// The CIDR sources, as written.
    pub cidrs: Vec<String>,
    /// The security group sources (addresses of security groups in the configuration, else
    /// the value as written); `self` is the group itself.
    pub groups: Vec<String>,
    /// Whether some source cannot be known (a prefix list, or an unknown list).
    pub opaque: bool,
}

impl SgRule<'_> {
    /// Whether the rule admits `protocol` traffic to `port` from somewhere.
    pub fn admits(&self, protocol: Protocol, port: i64) -> bool {
        self.sources > 0
            && match self.protocol {
                Protocol::All => true,
                p if p == protocol => (self.from == -1 && self.to == -1) || (self.from <= port && port <= self.to),
                _ => false,
            }
    }
}

/// How a rule argument names its sources.
#[derive(Clone, Copy)]
enum Kind {
    Cidr,
    Prefix,
    Group,
    SelfRef,
}

/// The sources of one rule.
struct Sources {
    count: usize,
    cidrs: Vec<String>,
    groups: Vec<String>,
    opaque: bool,
}

/// The sources of one rule from its `(kind, argument)` pairs; `me` is the address of the
/// security group the rule belongs to (for `self`).
fn sources(args: &[(Kind, Option<&Value>)], me: &str) -> Sources {
    let mut out = Sources { count: 0, cidrs: Vec::new(), groups: Vec::new(), opaque: false };
    for (kind, v) in args {
        out.count += count(*v);
        let strings: Vec<&str> = match v {
            Some(Value::String(s)) if !s.is_empty() => vec![s.as_str()],
            Some(Value::Bool(true)) => vec!["self"],
            Some(v) if v.is_unknown() => {
                out.opaque = true;
                continue;
            }
            Some(v) => v.as_seq().map(|items| items.iter().filter_map(Value::as_str).collect()).unwrap_or_default(),
            None => continue,
        };
        for s in strings {
            match kind {
                Kind::Cidr => out.cidrs.push(s.to_string()),
                Kind::Prefix => out.opaque = true,
                Kind::Group => out.groups.push(as_token(s).map_or_else(|| s.to_string(), |t| t.address.to_string())),
                Kind::SelfRef => out.groups.push(me.to_string()),
            }
        }
    }
    out
}

fn rule<'a>(origin: &'a Inst<'a>, protocol: Protocol, from: i64, to: i64, s: Sources) -> SgRule<'a> {
    SgRule { origin, protocol, from, to, sources: s.count, cidrs: s.cidrs, groups: s.groups, opaque: s.opaque }
}

fn count(v: Option<&Value>) -> usize {
    match v {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) => usize::from(!s.is_empty()),
        Some(Value::Bool(b)) => usize::from(*b),
        Some(v) => v.as_seq().map_or(1, <[Value]>::len),
    }
}

fn port(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => Some(*n as i64),
        Some(Value::String(s)) => s.parse().ok(),
        None | Some(Value::Null) => Some(-1),
        _ => None,
    }
}

impl<'a> Topology<'a> {
    /// Every rule of `sg` in `direction` (`ingress` or `egress`): inline blocks,
    /// `aws_security_group_rule` and `aws_vpc_security_group_{ingress,egress}_rule`. `None`
    /// when a rule's protocol or ports are unknown, or rules may be missing.
    pub fn sg_rules<'t>(&'t self, sg: &'t Inst<'a>, direction: &str) -> Option<Vec<SgRule<'t>>> {
        let mut out = Vec::new();
        let me = sg.address();
        if sg.is_set(direction) {
            for r in sg.get(direction).as_seq()? {
                let protocol = Protocol::parse(r.get_attr("protocol")?.as_str()?);
                let args = [
                    (Kind::Cidr, r.get_attr("cidr_blocks")),
                    (Kind::Cidr, r.get_attr("ipv6_cidr_blocks")),
                    (Kind::Prefix, r.get_attr("prefix_list_ids")),
                    (Kind::Group, r.get_attr("security_groups")),
                    (Kind::SelfRef, r.get_attr("self")),
                ];
                out.push(rule(sg, protocol, port(r.get_attr("from_port"))?, port(r.get_attr("to_port"))?, sources(&args, me)));
            }
        }
        let legacy = self.referrers(sg, "aws_security_group_rule", "security_group_id");
        if !legacy.complete {
            return None;
        }
        for r in legacy.found {
            if r.str("type")? != direction {
                continue;
            }
            let protocol = Protocol::parse(r.str("protocol")?);
            let arg = |k: &str| r.is_set(k).then(|| r.get(k));
            let args = [
                (Kind::Cidr, arg("cidr_blocks")),
                (Kind::Cidr, arg("ipv6_cidr_blocks")),
                (Kind::Prefix, arg("prefix_list_ids")),
                (Kind::Group, arg("source_security_group_id")),
                (Kind::SelfRef, arg("self")),
            ];
            out.push(rule(r, protocol, port(Some(r.get("from_port")))?, port(Some(r.get("to_port")))?, sources(&args, me)));
        }
        let ty = if direction == "ingress" { "aws_vpc_security_group_ingress_rule" } else { "aws_vpc_security_group_egress_rule" };
        let modern = self.referrers(sg, ty, "security_group_id");
        if !modern.complete {
            return None;
        }
        for r in modern.found {
            let protocol = Protocol::parse(r.str("ip_protocol")?);
            let arg = |k: &str| r.is_set(k).then(|| r.get(k));
            let args = [
                (Kind::Cidr, arg("cidr_ipv4")),
                (Kind::Cidr, arg("cidr_ipv6")),
                (Kind::Prefix, arg("prefix_list_id")),
                (Kind::Group, arg("referenced_security_group_id")),
            ];
            out.push(rule(r, protocol, port(Some(r.get("from_port")))?, port(Some(r.get("to_port")))?, sources(&args, me)));
        }
        Some(out)
    }
}
