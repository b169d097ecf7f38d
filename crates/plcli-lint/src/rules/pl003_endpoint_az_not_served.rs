use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoint subnets in an AZ that the endpoint service does not serve.
    /// The service's AZs are its NLBs' subnets' AZs; both sides are compared by **AZ ID**,
    /// each subnet's AZ name being translated in its own account (the `simulation` block's
    /// `az_ids`, else plcli's per-account mapping, SPEC §3.2). Subnets added with
    /// `aws_vpc_endpoint_subnet_association` count too.
    ///
    /// ## Why it matters
    /// AWS refuses to create the endpoint (`InvalidParameter: The VPC endpoint service ...
    /// does not support the availability zone of the subnet`). AZ names are per-account
    /// aliases in older regions: `us-east-1a` in the consumer's account is usually a different
    /// physical zone than `us-east-1a` in the provider's, so reusing the provider's names
    /// on the consumer side fails in one account and works in another.
    ///
    /// ## Example
    /// ```hcl
    /// # Provider account: its NLB subnets are in us-east-1a and us-east-1b.
    /// resource "aws_subnet" "consumer" {
    ///   provider          = aws.consumer
    ///   for_each          = toset(["us-east-1a", "us-east-1b"])   # the provider's names
    ///   availability_zone = each.key
    ///   # ...
    /// }
    /// resource "aws_vpc_endpoint" "api" {
    ///   provider          = aws.consumer
    ///   service_name      = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type = "Interface"
    ///   subnet_ids        = [for s in aws_subnet.consumer : s.id]
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Place the consumer's subnets by AZ ID, which means the same zone in every account:
    /// ```hcl
    /// resource "aws_subnet" "consumer" {
    ///   provider             = aws.consumer
    ///   for_each             = toset(["use1-az1", "use1-az2"])   # the service's AZ IDs
    ///   availability_zone_id = each.key
    ///   # ...
    /// }
    /// ```
    /// or keep only the subnets whose AZ is in the service's `availability_zones` as the
    /// consumer sees them (a `data "aws_vpc_endpoint_service"` read by the consumer's
    /// provider). If the finding comes from an AZ mapping that differs from your accounts',
    /// write the real mapping in `simulation { account "ID" { az_ids = {...} } }`.
    pub const INFO = {
        id: "PL003",
        name: "endpoint_az_not_served",
        severity: Error,
        summary: "An endpoint subnet whose AZ ID the service's NLB does not cover.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        let Some(svc) = topo.endpoint_service(ep) else { continue };
        let (Some(ep_caller), Some(svc_caller)) = (topo.caller(ep), topo.caller(svc)) else { continue };
        // Cross-region endpoints need not match AZs (AWS: only excluded AZ IDs apply).
        if ep_caller.region != svc_caller.region || ep.str("service_region").is_some_and(|r| r != svc_caller.region) {
            continue;
        }
        let Some(served) = topo.service_azs(svc) else { continue };
        let Some(subnets) = topo.endpoint_subnets(ep) else { continue };
        for (subnet, adder, span) in subnets {
            let Some(az) = topo.subnet_az(subnet) else { continue };
            if served.iter().any(|a| a.id == az.id) {
                continue;
            }
            let account = topo.caller(subnet).map_or("?", |c| c.account.as_str());
            let theirs: Vec<String> = served.iter().map(ToString::to_string).collect();
            let mine: Vec<String> = served.iter().map(|a| topo.az_in(ep_caller, &a.id).to_string()).collect();
            out.report(
                adder,
                span,
                format!(
                    "{} is in {az} in account {account}, an AZ {} does not serve: the service is in {} in account {}",
                    subnet.address(),
                    svc.address(),
                    theirs.join(", "),
                    svc_caller.account
                ),
                format!("put the endpoint's subnets in the service's AZ IDs, which account {} calls {}: place them by availability_zone_id, not by the provider's AZ names", ep_caller.account, mine.join(", ")),
            );
        }
    }
}
