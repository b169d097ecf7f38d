//! Security group rules, as AWS evaluates them.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use plcli_lang::Value;
use plcli_sim::World;

/// Who is talking to (or from) a security group.
#[derive(Debug, Clone)]
pub enum Peer {
    /// A concrete address with its security groups.
    Client { ip: Option<Ipv4Addr>, sgs: Vec<String> },
    /// "Any address of the VPC" (derived paths): any CIDR overlapping the VPC's, or any
    /// security group of the VPC.
    AnyOfVpc { cidr: Option<Ipv4Net>, vpc_id: String },
}

/// One rule, normalised from the three ways Terraform writes rules.
#[derive(Debug, Clone)]
struct Rule {
    protocol: String,
    from: i64,
    to: i64,
    cidrs: Vec<String>,
    sgs: Vec<String>,
}

fn strs(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => vec![s.to_string()],
        Some(v) => v
            .as_seq()
            .map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default(),
        None => vec![],
    }
}

fn num(v: Option<&Value>) -> i64 {
    v.and_then(Value::as_number).map(|n| n as i64).unwrap_or(0)
}

/// The rules of one security group in one direction (`ingress` or `egress`).
fn rules(world: &World, sg: &str, direction: &str) -> Vec<Rule> {
    let mut out = Vec::new();
    if let Some(o) = world.get(sg) {
        for r in o.attrs.get_attr(direction).and_then(Value::as_seq).unwrap_or(&[]) {
            let mut sgs = strs(r.get_attr("security_groups"));
            if r.get_attr("self").and_then(Value::as_bool) == Some(true) {
                sgs.push(sg.to_string());
            }
            out.push(Rule {
                protocol: r.get_attr("protocol").and_then(Value::as_str).unwrap_or("-1").to_string(),
                from: num(r.get_attr("from_port")),
                to: num(r.get_attr("to_port")),
                cidrs: strs(r.get_attr("cidr_blocks")),
                sgs,
            });
        }
    }
    for id in world.referencing("security_group_id", sg, None) {
        let Some(o) = world.get(&id) else { continue };
        let a = &o.attrs;
        match o.ty.as_str() {
            "aws_security_group_rule" if a.get_attr("type").and_then(Value::as_str) == Some(direction) => {
                let mut sgs = strs(a.get_attr("source_security_group_id"));
                if a.get_attr("self").and_then(Value::as_bool) == Some(true) {
                    sgs.push(sg.to_string());
                }
                out.push(Rule {
                    protocol: a.get_attr("protocol").and_then(Value::as_str).unwrap_or("-1").to_string(),
                    from: num(a.get_attr("from_port")),
                    to: num(a.get_attr("to_port")),
                    cidrs: strs(a.get_attr("cidr_blocks")),
                    sgs,
                });
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule"
                if o.ty.ends_with(&format!("{direction}_rule")) =>
            {
                out.push(Rule {
                    protocol: a.get_attr("ip_protocol").and_then(Value::as_str).unwrap_or("-1").to_string(),
                    from: num(a.get_attr("from_port")),
                    to: num(a.get_attr("to_port")),
                    cidrs: strs(a.get_attr("cidr_ipv4")),
                    sgs: strs(a.get_attr("referenced_security_group_id")),
                });
            }
            _ => {}
        }
    }
    out
}

fn port_matches(r: &Rule, port: u16) -> bool {
    match r.protocol.as_str() {
        "-1" | "all" => true,
        "tcp" | "6" => {
            let (from, to) = (r.from, r.to);
            (from <= port as i64 && port as i64 <= to) || (from == 0 && to == 0) || (from == -1 && to == -1)
        }
        _ => false,
    }
}

fn peer_matches(world: &World, r: &Rule, peer: &Peer) -> bool {
    match peer {
        Peer::Client { ip, sgs } => {
            r.sgs.iter().any(|s| sgs.contains(s))
                || ip.is_some_and(|ip| r.cidrs.iter().any(|c| c.parse::<Ipv4Net>().is_ok_and(|n| n.contains(&ip))))
        }
        Peer::AnyOfVpc { cidr, vpc_id } => {
            r.cidrs.iter().any(|c| match (c.parse::<Ipv4Net>(), cidr) {
                (Ok(n), Some(v)) => n.contains(v) || v.contains(&n),
                _ => false,
            }) || r.sgs.iter().any(|s| {
                world.get(s).and_then(|o| o.attrs.get_attr("vpc_id").and_then(Value::as_str).map(|v| v == vpc_id)).unwrap_or(false)
            })
        }
    }
}

/// Whether any of `sgs` admits `peer` on TCP `port` in `direction`.
pub fn admits(world: &World, sgs: &[String], direction: &str, port: u16, peer: &Peer) -> bool {
    sgs.iter().any(|sg| rules(world, sg, direction).iter().any(|r| port_matches(r, port) && peer_matches(world, r, peer)))
}
