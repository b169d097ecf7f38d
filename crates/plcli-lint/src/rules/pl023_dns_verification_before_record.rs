use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds an `aws_vpc_endpoint_service_private_dns_verification` that does not depend on
    /// the TXT record (in this configuration) that publishes its service's verification
    /// value.
    ///
    /// ## Why it matters
    /// The verification resource asks AWS to check the TXT record now. Nothing in its
    /// arguments refers to the record, so Terraform may run it before the record exists:
    /// the check finds nothing, the name's state becomes `failed` (or the wait times out),
    /// and consumers cannot enable private DNS until someone starts verification again.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_private_dns_verification" "api" {
    ///   service_id            = aws_vpc_endpoint_service.api.id
    ///   wait_for_verification = true
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
    /// ```
    pub const INFO = {
        id: "PL023",
        name: "dns_verification_before_record",
        severity: Warning,
        summary: "A private DNS verification that may run before its TXT record exists.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for v in topo.of_type("aws_vpc_endpoint_service_private_dns_verification") {
        let Some(svc) = topo.resolve(v.get("service_id"), &["aws_vpc_endpoint_service"]) else { continue };
        let (records, _) = super::pl009_private_dns_unverifiable::verification_records(topo, svc);
        if records.is_empty() || records.iter().any(|r| topo.depends_on(v, r)) {
            continue;
        }
        let f = out.report(
            v,
            v.header(),
            format!("{} may run before {} exists: nothing orders them, so AWS's check can find no TXT record and the name's state becomes failed", v.address(), records[0].address()),
            format!("add depends_on = [{}] to {}", records[0].rec.resource_address, v.address()),
        );
        f.related.push((records[0].header(), "the TXT record".into()));
    }
}
