use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds `aws_vpc_endpoint`s to an endpoint service (one of this configuration, or a
    /// literal `com.amazonaws.vpce.<region>.vpce-svc-...` name) whose type is `Gateway`,
    /// including when `vpc_endpoint_type` is not set: the AWS provider's default is
    /// `Gateway`, not `Interface`.
    ///
    /// ## Why it matters
    /// Gateway endpoints exist only for S3 and DynamoDB; an endpoint service fronted by an
    /// NLB takes Interface endpoints, so AWS refuses to create the endpoint. The default
    /// makes this easy to miss when `vpc_endpoint_type` is left out.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   vpc_id       = aws_vpc.consumer.id
    ///   service_name = aws_vpc_endpoint_service.api.service_name
    ///   subnet_ids   = [for s in aws_subnet.app : s.id]
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   vpc_id            = aws_vpc.consumer.id
    ///   service_name      = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type = "Interface"
    ///   subnet_ids        = [for s in aws_subnet.app : s.id]
    /// }
    /// ```
    pub const INFO = {
        id: "PL025",
        name: "endpoint_type_not_interface",
        severity: Error,
        summary: "An endpoint to an endpoint service whose type is Gateway (the provider's default).",
    }
}

/// Whether `name` is an endpoint service's name (`com.amazonaws.vpce.<region>.vpce-svc-<id>`).
fn is_service_name(name: &str) -> bool {
    name.strip_prefix("com.amazonaws.vpce.").and_then(|r| r.split_once('.')).is_some_and(|(_, id)| id.starts_with("vpce-svc-"))
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !ep.str("vpc_endpoint_type").is_some_and(|t| t.eq_ignore_ascii_case("Gateway")) {
            continue;
        }
        let target = match topo.endpoint_service(ep) {
            Some(svc) if svc.is_set("gateway_load_balancer_arns") && !svc.is_set("network_load_balancer_arns") => continue,
            Some(svc) => svc.address().to_string(),
            None => match ep.str("service_name") {
                Some(n) if is_service_name(n) => n.to_string(),
                _ => continue,
            },
        };
        let unset = !ep.is_set("vpc_endpoint_type");
        out.report(
            ep,
            topo.span(ep, "vpc_endpoint_type"),
            format!(
                "{} connects to {target} as a Gateway endpoint{}: endpoint services take Interface endpoints, so AWS refuses it",
                ep.address(),
                if unset { " (vpc_endpoint_type is not set, and the provider's default is Gateway)" } else { "" }
            ),
            "set vpc_endpoint_type = \"Interface\"",
        );
    }
}
