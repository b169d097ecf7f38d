use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints without security groups (no `security_group_ids`, no
    /// security group association), unless the configuration manages the VPC's default
    /// security group (`aws_default_security_group`) itself.
    ///
    /// ## Why it matters
    /// AWS then attaches the VPC's default security group, which admits traffic only from
    /// members of that same group. Clients in any other security group cannot connect, and
    /// whoever later edits the default group changes who can reach the service.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   vpc_id            = aws_vpc.consumer.id
    ///   service_name      = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type = "Interface"
    ///   subnet_ids        = [for s in aws_subnet.app : s.id]
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   # ...
    ///   security_group_ids = [aws_security_group.api_endpoint.id]   # admits the service port from the clients
    /// }
    /// ```
    pub const INFO = {
        id: "PL015",
        name: "default_sg_endpoint",
        severity: Warning,
        summary: "An interface endpoint relying on the VPC's default security group.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) || topo.endpoint_has_sgs(ep) != Some(false) {
            continue;
        }
        if let Some(vpc) = topo.resolve(ep.get("vpc_id"), &["aws_vpc"]) {
            if !topo.referrers(vpc, "aws_default_security_group", "vpc_id").found.is_empty() {
                continue;
            }
        }
        out.report(
            ep,
            topo.span(ep, "security_group_ids"),
            format!(
                "{} has no security groups, so AWS attaches its VPC's default security group, which admits only members of that group",
                ep.address()
            ),
            "give the endpoint its own security group (security_group_ids) that admits the service's port from the clients",
        );
    }
}
