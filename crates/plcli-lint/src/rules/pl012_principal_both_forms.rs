use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds a principal allowed both inline (the service's `allowed_principals`) and by an
    /// `aws_vpc_endpoint_service_allowed_principal` for the same service.
    ///
    /// ## Why it matters
    /// The AWS provider manages the inline list as the whole set of permissions: each apply
    /// of the service removes what the separate resource added, and the separate resource
    /// adds it back (or fails), so plans never settle and a consumer can lose access in
    /// between. The provider's documentation says never to combine them for one ARN.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   allowed_principals = ["arn:aws:iam::222222222222:role/client"]
    ///   # ...
    /// }
    /// resource "aws_vpc_endpoint_service_allowed_principal" "client" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:role/client"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Manage each principal in one place: remove it from `allowed_principals`, or delete
    /// the separate resource.
    pub const INFO = {
        id: "PL012",
        name: "principal_both_forms",
        severity: Warning,
        summary: "The same principal allowed inline and as a separate resource.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        let (principals, _) = topo.service_principals(svc);
        for (arn, res) in &principals {
            let Some(res) = res else { continue };
            if !principals.iter().any(|(p, r)| r.is_none() && p == arn) {
                continue;
            }
            let f = out.report(
                res,
                topo.span(res, "principal_arn"),
                format!(
                    "{arn} is allowed both inline in {}.allowed_principals and by {}: each apply overwrites the other",
                    svc.address(),
                    res.address()
                ),
                format!("manage {arn} in one place: remove it from allowed_principals or delete {}", res.address()),
            );
            f.related.push((topo.span(svc, "allowed_principals"), "also allowed here".into()));
        }
    }
}
