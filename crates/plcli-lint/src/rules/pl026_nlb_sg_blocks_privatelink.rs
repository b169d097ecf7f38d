use super::prelude::*;
use crate::rules::pl007_endpoint_sg_blocks_listener::proto_name;
use crate::topology::Protocol;
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};

rule_info! {
    /// ## What it does
    /// Finds the NLB of an endpoint service that has security groups enforced on
    /// PrivateLink traffic (`enforce_security_group_inbound_rules_on_private_link_traffic`
    /// `"on"`, or not set: AWS's default once an NLB has security groups) when its ingress
    /// rules admit nothing on a listener's port, or do not admit the subnets of an interface
    /// endpoint of this configuration (checked by CIDR containment, or by the endpoint's own
    /// security groups when a rule names a security group).
    ///
    /// ## Why it matters
    /// With enforcement on, every connection from an endpoint ENI must pass the NLB's
    /// security groups, evaluated against the ENI's address in the consumer's VPC. Rules
    /// written for the provider's own VPC silently drop all PrivateLink traffic (`plcli
    /// verify`: `NLB_SG_DENIES_PRIVATELINK`).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type = "network"
    ///   security_groups    = [aws_security_group.nlb.id]   # admits 8443 from 10.0.0.0/16 only
    ///   # ...
    /// }
    /// # a consumer endpoint in 10.1.1.0/24
    /// ```
    ///
    /// ## Fix
    /// Admit the consumers' endpoint subnets (or a range covering them) on the listener port,
    /// or stop filtering PrivateLink traffic at the NLB (the endpoint's security groups
    /// already filter it):
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   # ...
    ///   enforce_security_group_inbound_rules_on_private_link_traffic = "off"
    /// }
    /// ```
    pub const INFO = {
        id: "PL026",
        name: "nlb_sg_blocks_privatelink",
        severity: Error,
        summary: "NLB security groups, enforced on PrivateLink traffic, that do not admit the consumers.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    let mut endpoints: HashMap<&str, Vec<&Inst<'_>>> = HashMap::new();
    for ep in topo.of_type("aws_vpc_endpoint") {
        if let Some(svc) = topo.endpoint_service(ep).filter(|_| topo.is_interface(ep)) {
            endpoints.entry(svc.address()).or_default().push(ep);
        }
    }
    let mut seen = HashSet::new();
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        for lb in topo.service_lbs(svc).unwrap_or_default() {
            if !seen.insert(lb.address()) || !lb.is_set("security_groups") {
                continue;
            }
            let Some(sgs) = topo.resolve_each(lb.get("security_groups"), &["aws_security_group"]).filter(|s| !s.is_empty()) else {
                continue;
            };
            let defaulted = !lb.is_set("enforce_security_group_inbound_rules_on_private_link_traffic");
            if !defaulted && lb.str("enforce_security_group_inbound_rules_on_private_link_traffic") != Some("on") {
                continue;
            }
            let Some(rules) = sgs.iter().map(|sg| topo.sg_rules(sg, "ingress")).collect::<Option<Vec<_>>>() else { continue };
            let rules: Vec<_> = rules.into_iter().flatten().collect();
            let Some(listeners) = topo.lb_listeners(lb) else { continue };
            let names: Vec<&str> = sgs.iter().map(|s| s.address()).collect();
            let how = if defaulted {
                " (enforce_security_group_inbound_rules_on_private_link_traffic is not set: AWS's default is on)"
            } else {
                ""
            };
            let span = topo.span(lb, "security_groups");
            for (_, port, protocol) in listeners {
                let proto = if protocol == "UDP" { Protocol::Udp } else { Protocol::Tcp };
                let admitting: Vec<_> = rules.iter().filter(|r| r.admits(proto, port)).collect();
                if admitting.is_empty() {
                    out.report(
                        lb,
                        span,
                        format!("the security groups of {} ({}) admit nothing on {} port {port}, and they filter PrivateLink traffic{how}: every connection through {} is dropped", lb.address(), names.join(", "), proto_name(proto), svc.address()),
                        format!("admit {} port {port} from the consumers' endpoint subnets, or set enforce_security_group_inbound_rules_on_private_link_traffic = \"off\"", proto_name(proto)),
                    );
                    continue;
                }
                if admitting.iter().any(|r| r.opaque) {
                    continue;
                }
                for ep in endpoints.get(svc.address()).into_iter().flatten() {
                    let Some(subnets) = topo.endpoint_subnets(ep) else { continue };
                    let ep_sgs: Vec<&str> = topo.endpoint_sgs(ep).unwrap_or_default().iter().map(|s| s.address()).collect();
                    let mut blocked = Vec::new();
                    for (subnet, _, _) in subnets {
                        let Some(cidr) = subnet.str("cidr_block").and_then(|c| c.parse::<IpNet>().ok()) else { continue };
                        let admitted = admitting.iter().any(|r| {
                            r.cidrs.iter().any(|c| c.parse::<IpNet>().is_ok_and(|net| net.contains(&cidr)))
                                || r.groups.iter().any(|g| ep_sgs.contains(&g.as_str()))
                        });
                        if !admitted {
                            blocked.push(format!("{} ({cidr})", subnet.address()));
                        }
                    }
                    if blocked.is_empty() {
                        continue;
                    }
                    let f = out.report(
                        lb,
                        span,
                        format!(
                            "the security groups of {} ({}) filter PrivateLink traffic{how} but do not admit {} port {port} from {}, the subnets of {}: its connections are dropped at the NLB",
                            lb.address(),
                            names.join(", "),
                            proto_name(proto),
                            blocked.join(", "),
                            ep.address()
                        ),
                        format!("admit {} port {port} from the endpoint subnets' CIDRs, or set enforce_security_group_inbound_rules_on_private_link_traffic = \"off\"", proto_name(proto)),
                    );
                    f.related.push((topo.span(ep, "subnet_ids"), "the endpoint's subnets".into()));
                }
            }
        }
    }
}
