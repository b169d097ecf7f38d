use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints with `private_dns_enabled = true` to an endpoint service of
    /// this configuration that has a `private_dns_name`, when the endpoint does not depend
    /// on an `aws_vpc_endpoint_service_private_dns_verification` of that service with
    /// `wait_for_verification = true`.
    ///
    /// ## Why it matters
    /// AWS refuses private DNS until the service's name is verified ("Private DNS can't be
    /// enabled because the service ... has not verified the private DNS name"). Without a
    /// verification resource the name is verified only by AWS's periodic check, after the
    /// apply that creates the endpoint; with one that the endpoint does not depend on,
    /// Terraform may create the endpoint first.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   service_name        = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type   = "Interface"
    ///   private_dns_enabled = true
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_private_dns_verification" "api" {
    ///   service_id            = aws_vpc_endpoint_service.api.id
    ///   wait_for_verification = true
    ///   depends_on            = [aws_route53_record.api_verification]
    /// }
    /// resource "aws_vpc_endpoint" "api" {
    ///   # ...
    ///   depends_on = [aws_vpc_endpoint_service_private_dns_verification.api]
    /// }
    /// ```
    pub const INFO = {
        id: "PL021",
        name: "endpoint_private_dns_race",
        severity: Warning,
        summary: "An endpoint with private DNS that may be created before its service's name is verified.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) || ep.bool("private_dns_enabled") != Some(true) {
            continue;
        }
        let Some(svc) = topo.endpoint_service(ep) else { continue };
        if !svc.is_set("private_dns_name") || svc.get("private_dns_name").is_null() {
            continue;
        }
        let verifications = topo.referrers(svc, "aws_vpc_endpoint_service_private_dns_verification", "service_id");
        if !verifications.complete {
            continue;
        }
        let waiting: Vec<_> = verifications.found.iter().filter(|v| v.bool("wait_for_verification") == Some(true)).collect();
        if waiting.iter().any(|v| topo.depends_on(ep, v)) {
            continue;
        }
        let (why, fix) = match (verifications.found.first(), waiting.first()) {
            (None, _) => (
                format!("nothing in this configuration verifies the private DNS name of {} before it (only AWS's periodic check, after this apply)", svc.address()),
                format!("add an aws_vpc_endpoint_service_private_dns_verification for {} with wait_for_verification = true, and depends_on it", svc.address()),
            ),
            (Some(v), None) => (format!("{} does not wait for the verification (wait_for_verification is not true)", v.address()), format!("set wait_for_verification = true on {} and add it to depends_on", v.address())),
            (_, Some(v)) => (format!("nothing orders it after {}", v.address()), format!("add depends_on = [{}] to {}", v.rec.resource_address, ep.address())),
        };
        out.report(
            ep,
            topo.span(ep, "private_dns_enabled"),
            format!("{} enables private DNS, but {why}: AWS refuses private DNS while the name is not verified", ep.address()),
            fix,
        );
    }
}
