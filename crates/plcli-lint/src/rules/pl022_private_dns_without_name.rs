use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints with `private_dns_enabled = true` to an endpoint service of
    /// this configuration that has no `private_dns_name`.
    ///
    /// ## Why it matters
    /// There is no name to resolve privately, and AWS refuses the endpoint: "Private DNS
    /// can't be enabled because the service ... does not provide a private DNS name".
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   acceptance_required        = false
    ///   network_load_balancer_arns = [aws_lb.api.arn]
    /// }
    /// resource "aws_vpc_endpoint" "api" {
    ///   service_name        = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type   = "Interface"
    ///   private_dns_enabled = true
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `private_dns_enabled = false` and name the endpoint in your own private zone (a
    /// CNAME to `dns_entry[0].dns_name`), or give the service a `private_dns_name` and verify
    /// it (PL009, PL021).
    pub const INFO = {
        id: "PL022",
        name: "private_dns_without_name",
        severity: Error,
        summary: "Private DNS enabled on an endpoint whose service has no private DNS name.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) || ep.bool("private_dns_enabled") != Some(true) {
            continue;
        }
        let Some(svc) = topo.endpoint_service(ep) else { continue };
        if svc.is_set("private_dns_name") && !svc.get("private_dns_name").is_null() {
            continue;
        }
        out.report(
            ep,
            topo.span(ep, "private_dns_enabled"),
            format!("{} enables private DNS, but {} has no private_dns_name: AWS refuses the endpoint", ep.address(), svc.address()),
            format!(
                "set private_dns_enabled = false and name the endpoint in your own private zone, or give {} a verified private_dns_name",
                svc.address()
            ),
        );
    }
}
