use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds an endpoint service that accepts every connection automatically
    /// (`acceptance_required = false`) and allows every AWS principal (`"*"`, inline in
    /// `allowed_principals` or as an `aws_vpc_endpoint_service_allowed_principal`).
    ///
    /// ## Why it matters
    /// Together they make the NLB behind the service reachable from any VPC of any AWS
    /// account, without anyone approving it: it is effectively public, even though it has
    /// no public address. Either control alone still leaves a gate.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   acceptance_required        = false
    ///   network_load_balancer_arns = [aws_lb.api.arn]
    ///   allowed_principals         = ["*"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Allow the consumers by role or account ARN, or require acceptance:
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   acceptance_required        = false
    ///   network_load_balancer_arns = [aws_lb.api.arn]
    ///   allowed_principals         = ["arn:aws:iam::222222222222:role/api-client"]
    /// }
    /// ```
    pub const INFO = {
        id: "PL001",
        name: "open_service",
        severity: Error,
        summary: "An endpoint service with `acceptance_required = false` that allows principal `*`.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        if svc.bool("acceptance_required") != Some(false) {
            continue;
        }
        let (principals, _) = topo.service_principals(svc);
        let Some((_, origin)) = principals.iter().find(|(p, _)| p == "*") else { continue };
        let (place, related) = match origin {
            Some(res) => (format!("by {}", res.address()), topo.span(res, "principal_arn")),
            None => ("in allowed_principals".to_string(), topo.span(svc, "allowed_principals")),
        };
        let f = out.report(
            svc,
            topo.span(svc, "acceptance_required"),
            format!("{} accepts every connection (acceptance_required = false) and allows every AWS principal (\"*\" {place}): any account can connect to its NLB", svc.address()),
            "set acceptance_required = true, or allow the consumers' role or account ARNs instead of \"*\"",
        );
        f.related.push((related, "\"*\" allowed here".into()));
    }
}
