use super::prelude::*;
use crate::topology::Protocol;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints whose security groups admit none of the traffic the
    /// service listens for: for each listener port of the service's NLBs (TCP, TLS, UDP),
    /// no ingress rule of the endpoint's security groups (inline `ingress` blocks,
    /// `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`) admits that
    /// protocol and port from any source.
    ///
    /// ## Why it matters
    /// The security groups on the endpoint ENIs filter every connection from the consumer's
    /// clients. If they do not admit the listener port, the endpoint is `available` but every
    /// connection hangs: the most common PrivateLink stumble (seed 004's runbook, step 2;
    /// `plcli verify` says `ENDPOINT_SG_INGRESS_DENIED`).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb_listener" "api" {
    ///   load_balancer_arn = aws_lb.api.arn
    ///   port              = 8443
    ///   protocol          = "TCP"
    ///   # ...
    /// }
    /// resource "aws_security_group" "endpoint" {
    ///   vpc_id = aws_vpc.consumer.id
    ///   ingress {
    ///     from_port   = 443
    ///     to_port     = 443
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["10.1.0.0/16"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Admit the listener port from the clients' CIDR or security group:
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "endpoint_from_vpc" {
    ///   security_group_id = aws_security_group.endpoint.id
    ///   ip_protocol       = "tcp"
    ///   from_port         = 8443
    ///   to_port           = 8443
    ///   cidr_ipv4         = "10.1.0.0/16"
    /// }
    /// ```
    pub const INFO = {
        id: "PL007",
        name: "endpoint_sg_blocks_listener",
        severity: Error,
        summary: "Endpoint security groups do not admit the service's listener ports.",
    }
}

/// The ports an endpoint's clients connect to: every listener of the service's NLBs, as
/// (port, protocols, listener address). `None` when they are not all known.
pub(crate) fn service_ports(topo: &Topology<'_>, svc: &Inst<'_>) -> Option<Vec<(i64, Vec<Protocol>, String)>> {
    let mut out: Vec<(i64, Vec<Protocol>, String)> = Vec::new();
    for lb in topo.service_lbs(svc)? {
        for (l, port, protocol) in topo.lb_listeners(lb)? {
            let protos = match protocol.as_str() {
                "UDP" => vec![Protocol::Udp],
                "TCP_UDP" => vec![Protocol::Tcp, Protocol::Udp],
                _ => vec![Protocol::Tcp],
            };
            if !out.iter().any(|(p, pr, _)| *p == port && *pr == protos) {
                out.push((port, protos, l.address().to_string()));
            }
        }
    }
    Some(out)
}

pub(crate) fn proto_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Udp => "UDP",
        Protocol::Icmp => "ICMP",
        Protocol::All => "any protocol",
        _ => "TCP",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        let Some(svc) = topo.endpoint_service(ep) else { continue };
        let Some(ports) = service_ports(topo, svc).filter(|p| !p.is_empty()) else { continue };
        let Some(sgs) = topo.endpoint_sgs(ep).filter(|s| !s.is_empty()) else { continue };
        let Some(rules) = sgs.iter().map(|sg| topo.sg_rules(sg, "ingress")).collect::<Option<Vec<_>>>() else { continue };
        let rules: Vec<_> = rules.into_iter().flatten().collect();
        let names: Vec<&str> = sgs.iter().map(|s| s.address()).collect();
        for (port, protos, listener) in ports {
            for proto in protos {
                if rules.iter().any(|r| r.admits(proto, port)) {
                    continue;
                }
                out.report(
                    ep,
                    topo.span(ep, "security_group_ids"),
                    format!(
                        "the security groups of {} ({}) admit no {} traffic on port {port}, the port of {listener} behind {}: clients cannot connect",
                        ep.address(),
                        names.join(", "),
                        proto_name(proto),
                        svc.address()
                    ),
                    format!("add an ingress rule for {} port {port} from the clients' CIDR or security group to {}", proto_name(proto), names[0]),
                );
            }
        }
    }
}
