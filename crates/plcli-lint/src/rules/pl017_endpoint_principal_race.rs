use super::prelude::*;
use plcli_aws::principal_matches;
use std::collections::{HashMap, HashSet};

use crate::topology::node;

rule_info! {
    /// ## What it does
    /// Finds an interface endpoint and the `aws_vpc_endpoint_service_allowed_principal` that
    /// admits its provider's principal, in one configuration, with no dependency between
    /// them (directly, through other resources, or through a module's `depends_on`).
    ///
    /// ## Why it matters
    /// Nothing in the endpoint's arguments refers to the allowed principal, so Terraform may
    /// create the endpoint first, while the service is still invisible to the consumer:
    /// `CreateVpcEndpoint` fails with `InvalidServiceName` ("does not exist"), on some runs
    /// and not others.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:role/api-client"
    /// }
    /// resource "aws_vpc_endpoint" "api" {
    ///   provider          = aws.consumer   # acts as arn:aws:iam::222222222222:role/api-client
    ///   service_name      = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type = "Interface"
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   # ...
    ///   depends_on = [aws_vpc_endpoint_service_allowed_principal.consumer]
    /// }
    /// ```
    pub const INFO = {
        id: "PL017",
        name: "endpoint_principal_race",
        severity: Warning,
        summary: "An endpoint and the allowed principal that admits it, with no dependency between them.",
    }
}

/// What admits one principal to one service: an inline entry, or these resources.
struct Admission<'t, 'a> {
    inline: bool,
    resources: Vec<&'t Inst<'a>>,
    nodes: HashSet<String>,
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    // Many endpoints share a service and a principal: work out each pair once.
    let mut cache: HashMap<(&str, &str), Admission<'_, '_>> = HashMap::new();
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        let (Some(svc), Some(caller)) = (topo.endpoint_service(ep), topo.caller(ep)) else { continue };
        let admission = cache.entry((svc.address(), caller.principal.as_str())).or_insert_with(|| {
            let (principals, _) = topo.service_principals(svc);
            let admitting: Vec<_> = principals.into_iter().filter(|(p, _)| principal_matches(p, &caller.principal)).collect();
            let resources: Vec<_> = admitting.iter().filter_map(|(_, r)| *r).collect();
            let nodes = resources.iter().map(|r| node(r.rec)).collect();
            Admission { inline: admitting.iter().any(|(_, r)| r.is_none()), resources, nodes }
        });
        // Inline principals are set when the service is created, and the endpoint refers to
        // the service.
        if admission.resources.is_empty() || admission.inline {
            continue;
        }
        if topo.ancestors(ep).iter().any(|n| admission.nodes.contains(*n)) {
            continue;
        }
        // Name the principal most likely meant for this endpoint first: same module instance
        // and key, or same name.
        let mut resources = admission.resources.clone();
        resources.sort_by_key(|r| (r.rec.module != ep.rec.module, r.rec.key != ep.rec.key, r.rec.name != ep.rec.name));
        let mut names: Vec<&str> = resources.iter().map(|r| r.address()).take(3).collect();
        if resources.len() > 3 {
            names.push("...");
        }
        let f = out.report(
            ep,
            ep.header(),
            format!(
                "{} may be created before {}, which allows its principal {}: nothing orders them, and AWS refuses the endpoint until then (InvalidServiceName)",
                ep.address(),
                names.join(" or "),
                caller.principal
            ),
            format!("add depends_on = [{}] to {}", resources[0].rec.resource_address, ep.address()),
        );
        f.related.push((resources[0].header(), "the allowed principal".into()));
    }
}
