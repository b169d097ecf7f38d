use super::prelude::*;
use plcli_aws::principal_matches;
use std::collections::HashMap;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints to an endpoint service of this configuration whose
    /// provider's principal (SPEC §2.2: the `assume_role` role, else the account root) no
    /// allowed principal of the service admits (`*`, the principal's account root, or the
    /// exact ARN), when every allowed principal is known.
    ///
    /// ## Why it matters
    /// AWS hides the service from principals it does not allow: `CreateVpcEndpoint` fails
    /// with `InvalidServiceName` ("The Vpc Endpoint Service ... does not exist"). Role-scoped
    /// grants are per calling principal, so another role of the right account is not enough.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   alias = "consumer"
    ///   assume_role { role_arn = "arn:aws:iam::222222222222:role/deployer" }
    /// }
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:role/api-client"
    /// }
    /// resource "aws_vpc_endpoint" "api" {
    ///   provider     = aws.consumer
    ///   service_name = aws_vpc_endpoint_service.api.service_name
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Allow the principal the endpoint is created as (here
    /// `arn:aws:iam::222222222222:role/deployer`), or create the endpoint as the allowed
    /// role.
    pub const INFO = {
        id: "PL019",
        name: "endpoint_principal_not_allowed",
        severity: Error,
        summary: "An endpoint whose provider's principal the service does not allow.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    // Many endpoints share a service: read its principals once.
    let mut cache: HashMap<&str, (Vec<String>, bool)> = HashMap::new();
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        let (Some(svc), Some(caller)) = (topo.endpoint_service(ep), topo.caller(ep)) else { continue };
        let (principals, complete) = cache.entry(svc.address()).or_insert_with(|| {
            let (p, complete) = topo.service_principals(svc);
            (p.into_iter().map(|(p, _)| p).collect(), complete)
        });
        if !*complete || principals.iter().any(|p| principal_matches(p, &caller.principal) || crate::token::has_token(p)) {
            continue;
        }
        let allowed: Vec<&str> = principals.iter().map(String::as_str).collect();
        out.report(
            ep,
            topo.span(ep, "service_name"),
            format!(
                "{} is created as {} (provider {}), which {} does not allow ({}): AWS answers InvalidServiceName",
                ep.address(),
                caller.principal,
                caller.key,
                svc.address(),
                if allowed.is_empty() { "it allows no one".to_string() } else { format!("it allows {}", allowed.join(", ")) }
            ),
            format!(
                "allow {} on {} (aws_vpc_endpoint_service_allowed_principal), or create the endpoint as an allowed principal",
                caller.principal,
                svc.address()
            ),
        );
    }
}
