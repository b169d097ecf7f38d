use super::prelude::*;
use std::collections::HashSet;

rule_info! {
    /// ## What it does
    /// Finds the Network Load Balancer of an endpoint service when cross-zone load
    /// balancing is off (`enable_cross_zone_load_balancing` is `false` or not set, which is
    /// AWS's default for NLBs) and not turned on for every target group it forwards to
    /// (`load_balancing_cross_zone_enabled = "true"`). An NLB in a single AZ is left to
    /// PL005.
    ///
    /// ## Why it matters
    /// An endpoint ENI in an AZ sends its connections to the NLB node in the same AZ ID,
    /// and without cross-zone load balancing that node uses only the targets in its own
    /// AZ. When an AZ has no healthy target, every consumer ENI there fails while the
    /// service looks healthy: seed 004's "works in one AZ, fails in another".
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type = "network"
    ///   internal           = true
    ///   subnets            = [for s in aws_subnet.api : s.id]
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   load_balancer_type               = "network"
    ///   internal                         = true
    ///   subnets                          = [for s in aws_subnet.api : s.id]
    ///   enable_cross_zone_load_balancing = true   # inter-AZ data charges apply
    /// }
    /// ```
    /// Deliberate zonal isolation (healthy targets in every AZ, no inter-AZ charges) is a
    /// valid design: say so with `# plcli-ignore: PL004` above the attribute.
    pub const INFO = {
        id: "PL004",
        name: "nlb_cross_zone_disabled",
        severity: Warning,
        summary: "The NLB of an endpoint service without cross-zone load balancing.",
    }
}

/// Whether every target group the NLB forwards to turns cross-zone on by itself.
fn target_groups_cross_zone(topo: &Topology<'_>, lb: &Inst<'_>) -> bool {
    let Some(listeners) = topo.lb_listeners(lb) else { return false };
    let mut any = false;
    for (l, _, _) in listeners {
        let Some(tgs) = topo.listener_target_groups(l) else { return false };
        for tg in tgs {
            if tg.str("load_balancing_cross_zone_enabled") != Some("true") {
                return false;
            }
            any = true;
        }
    }
    any
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    let mut seen = HashSet::new();
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        for lb in topo.service_lbs(svc).unwrap_or_default() {
            if !topo.is_nlb(lb) || !seen.insert(lb.address()) {
                continue;
            }
            let unset = !lb.is_set("enable_cross_zone_load_balancing");
            match lb.get("enable_cross_zone_load_balancing") {
                Value::Null => {}
                Value::Bool(false) => {}
                _ => continue,
            }
            if topo.lb_azs(lb).is_some_and(|azs| azs.len() < 2) || target_groups_cross_zone(topo, lb) {
                continue;
            }
            out.report(
                lb,
                topo.span(lb, "enable_cross_zone_load_balancing"),
                format!(
                    "{}, the NLB of {}, has cross-zone load balancing off{}: an endpoint ENI reaches only the targets in its own AZ",
                    lb.address(),
                    svc.address(),
                    if unset { " (not set: AWS's default)" } else { "" }
                ),
                "set enable_cross_zone_load_balancing = true (inter-AZ data charges apply), or keep healthy targets in every AZ and say so with # plcli-ignore: PL004",
            );
        }
    }
}
