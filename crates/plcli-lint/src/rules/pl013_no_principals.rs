use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds endpoint services that allow no principal at all: no `allowed_principals`
    /// and no `aws_vpc_endpoint_service_allowed_principal` refers to them.
    ///
    /// ## Why it matters
    /// A new endpoint service is visible to no one until principals are allowed. Every
    /// consumer's `CreateVpcEndpoint` fails with `InvalidServiceName` ("does not exist"),
    /// which looks like a wrong service name rather than a missing permission.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   acceptance_required        = true
    ///   network_load_balancer_arns = [aws_lb.api.arn]
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:role/api-client"
    /// }
    /// ```
    pub const INFO = {
        id: "PL013",
        name: "no_principals",
        severity: Warning,
        summary: "An endpoint service nobody is allowed to reach.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        let (principals, complete) = topo.service_principals(svc);
        if !principals.is_empty() || !complete {
            continue;
        }
        out.report(
            svc,
            topo.span(svc, "allowed_principals"),
            format!("{} allows no principal: no account can see it, and every endpoint to it fails with InvalidServiceName", svc.address()),
            "allow the consumers' role or account ARNs with aws_vpc_endpoint_service_allowed_principal (or allowed_principals)",
        );
    }
}
