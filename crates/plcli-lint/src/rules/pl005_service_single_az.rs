use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds endpoint services published in fewer than two AZs: the AZs of all their NLBs'
    /// subnets together, counted by AZ ID.
    ///
    /// ## Why it matters
    /// Consumers can only place endpoint ENIs in the service's AZs. With one AZ, an outage
    /// of that zone cuts every consumer off, and every consumer must have a subnet in that
    /// one zone (by ID), or its endpoint cannot be created there at all.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type = "network"
    ///   subnets            = [aws_subnet.api_a.id]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the NLB a subnet in at least one more AZ (one subnet per AZ):
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type = "network"
    ///   subnets            = [aws_subnet.api_a.id, aws_subnet.api_b.id]
    /// }
    /// ```
    pub const INFO = {
        id: "PL005",
        name: "service_single_az",
        severity: Warning,
        summary: "An endpoint service published in fewer than 2 AZs.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        let (Some(lbs), Some(azs)) = (topo.service_lbs(svc), topo.service_azs(svc)) else { continue };
        if azs.len() >= 2 {
            continue;
        }
        let lb = lbs[0];
        let attr = if lb.is_set("subnets") { "subnets" } else { "subnet_mapping" };
        let names: Vec<String> = lbs.iter().map(|l| l.address().to_string()).collect();
        let f = out.report(
            svc,
            topo.span(lb, attr),
            format!(
                "{} is published in only {} AZ{} ({}, the AZs of {}): an outage there cuts off every consumer",
                svc.address(),
                azs.len(),
                if azs.len() == 1 { "" } else { "s" },
                azs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                names.join(", ")
            ),
            format!("add a subnet in another AZ to {} (one per AZ)", lb.address()),
        );
        f.related.push((topo.span(svc, "network_load_balancer_arns"), "the service's NLBs".into()));
    }
}
