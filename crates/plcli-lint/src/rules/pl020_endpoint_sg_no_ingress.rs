use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints whose security groups have no ingress rule at all, when the
    /// service's listener ports are not known here (an AWS service, or an endpoint service
    /// of another configuration). With known ports, PL007 checks the ports themselves.
    ///
    /// ## Why it matters
    /// Security groups deny what they do not allow: with no ingress rule, no client can open
    /// a connection to the endpoint's ENIs, whatever the service. Terraform-created security
    /// groups start with no rules at all.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "ssm_endpoint" {
    ///   vpc_id = aws_vpc.app.id
    /// }
    /// resource "aws_vpc_endpoint" "ssm" {
    ///   service_name       = "com.amazonaws.us-east-1.ssm"
    ///   vpc_endpoint_type  = "Interface"
    ///   security_group_ids = [aws_security_group.ssm_endpoint.id]
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "ssm_endpoint_https" {
    ///   security_group_id = aws_security_group.ssm_endpoint.id
    ///   ip_protocol       = "tcp"
    ///   from_port         = 443
    ///   to_port           = 443
    ///   cidr_ipv4         = aws_vpc.app.cidr_block
    /// }
    /// ```
    pub const INFO = {
        id: "PL020",
        name: "endpoint_sg_no_ingress",
        severity: Error,
        summary: "Endpoint security groups with no ingress rule at all.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        if topo
            .endpoint_service(ep)
            .and_then(|s| super::pl007_endpoint_sg_blocks_listener::service_ports(topo, s))
            .is_some_and(|p| !p.is_empty())
        {
            continue;
        }
        let Some(sgs) = topo.endpoint_sgs(ep).filter(|s| !s.is_empty()) else { continue };
        let Some(rules) = sgs.iter().map(|sg| topo.sg_rules(sg, "ingress")).collect::<Option<Vec<_>>>() else { continue };
        if rules.iter().flatten().any(|r| r.sources > 0) {
            continue;
        }
        let names: Vec<&str> = sgs.iter().map(|s| s.address()).collect();
        out.report(
            ep,
            topo.span(ep, "security_group_ids"),
            format!(
                "the security groups of {} ({}) have no ingress rule: no client can connect to the endpoint",
                ep.address(),
                names.join(", ")
            ),
            format!(
                "add an ingress rule for the service's port (443 for AWS services) from the clients' CIDR or security group to {}",
                names[0]
            ),
        );
    }
}
