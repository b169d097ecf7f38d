use super::prelude::*;
use std::collections::HashSet;

rule_info! {
    /// ## What it does
    /// Finds the load balancer of an endpoint service when it is internet-facing:
    /// `internal = false`, or `internal` not set (AWS then creates an internet-facing load
    /// balancer).
    ///
    /// ## Why it matters
    /// PrivateLink only needs the NLB's private addresses. An internet-facing NLB also has
    /// public addresses, so the service is reachable from the internet as well as through
    /// the endpoint service, usually by accident. AWS does not require internal NLBs, but
    /// it is the normal pattern and the one the seed's runbook prescribes.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type = "network"
    ///   subnets            = [for s in aws_subnet.api : s.id]
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type = "network"
    ///   internal           = true   # forces a new load balancer
    ///   subnets            = [for s in aws_subnet.api : s.id]
    /// }
    /// ```
    pub const INFO = {
        id: "PL006",
        name: "nlb_not_internal",
        severity: Warning,
        summary: "An endpoint service NLB that is internet-facing.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    let mut seen = HashSet::new();
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        for lb in topo.service_lbs(svc).unwrap_or_default() {
            if !seen.insert(lb.address()) {
                continue;
            }
            let unset = !lb.is_set("internal");
            if !unset && lb.bool("internal") != Some(false) {
                continue;
            }
            out.report(
                lb,
                topo.span(lb, "internal"),
                format!(
                    "{}, the load balancer of {}, is internet-facing{}: the service is reachable from the internet too, not only through PrivateLink",
                    lb.address(),
                    svc.address(),
                    if unset { " (internal is not set: AWS's default)" } else { "" }
                ),
                "set internal = true (it replaces the load balancer)",
            );
        }
    }
}
