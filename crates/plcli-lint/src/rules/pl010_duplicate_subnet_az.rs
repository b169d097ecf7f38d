use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds two subnets in one AZ (by AZ ID) among an interface endpoint's subnets
    /// (`subnet_ids` and subnet associations), or among a load balancer's subnets
    /// (`subnets` or `subnet_mapping`).
    ///
    /// ## Why it matters
    /// An endpoint takes one subnet per AZ: AWS refuses the second
    /// (`DuplicateSubnetsInSameZone`). A load balancer likewise
    /// (`InvalidConfigurationRequest: A load balancer cannot be attached to multiple subnets
    /// in the same Availability Zone`).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   vpc_endpoint_type = "Interface"
    ///   subnet_ids        = [aws_subnet.app_a.id, aws_subnet.db_a.id]   # both in us-east-1a
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep one subnet per AZ:
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   vpc_endpoint_type = "Interface"
    ///   subnet_ids        = [aws_subnet.app_a.id, aws_subnet.app_b.id]
    ///   # ...
    /// }
    /// ```
    pub const INFO = {
        id: "PL010",
        name: "duplicate_subnet_az",
        severity: Error,
        summary: "Two endpoint (or load balancer) subnets in one AZ.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        let Some(subnets) = topo.endpoint_subnets(ep) else { continue };
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (subnet, adder, span) in subnets {
            let Some(az) = topo.subnet_az(subnet) else { continue };
            match seen.iter().find(|(id, _)| *id == az.id) {
                Some((_, first)) if *first != subnet.address() => {
                    out.report(
                        adder,
                        span,
                        format!("{} and {first} are both in {az}: an endpoint takes one subnet per AZ, so AWS refuses it (DuplicateSubnetsInSameZone)", subnet.address()),
                        format!("keep one subnet per AZ for {}", ep.address()),
                    );
                }
                Some(_) => {}
                None => seen.push((az.id.clone(), subnet.address())),
            }
        }
    }
    for ty in ["aws_lb", "aws_alb"] {
        for lb in topo.of_type(ty) {
            let Some(azs) = topo.lb_azs(lb) else { continue };
            let attr = if lb.is_set("subnets") { "subnets" } else { "subnet_mapping" };
            let mut seen: Vec<(String, &str)> = Vec::new();
            for (subnet, az) in azs {
                match seen.iter().find(|(id, _)| *id == az.id) {
                    Some((_, first)) if *first != subnet.address() => {
                        out.report(
                            lb,
                            topo.span(lb, attr),
                            format!(
                                "{} and {first} are both in {az}: a load balancer takes one subnet per AZ (InvalidConfigurationRequest)",
                                subnet.address()
                            ),
                            format!("keep one subnet per AZ for {}", lb.address()),
                        );
                    }
                    Some(_) => {}
                    None => seen.push((az.id.clone(), subnet.address())),
                }
            }
        }
    }
}
