use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints with `private_dns_enabled = true` in a VPC of this
    /// configuration that does not have both `enable_dns_support` and
    /// `enable_dns_hostnames` turned on. `enable_dns_hostnames` not set counts as off: that
    /// is AWS's default for a new VPC.
    ///
    /// ## Why it matters
    /// AWS refuses to create the endpoint: `InvalidParameter: Enabling private DNS requires
    /// both enableDnsSupport and enableDnsHostnames VPC attributes set to true`.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc" "consumer" {
    ///   cidr_block = "10.1.0.0/16"
    /// }
    /// resource "aws_vpc_endpoint" "api" {
    ///   vpc_id              = aws_vpc.consumer.id
    ///   vpc_endpoint_type   = "Interface"
    ///   private_dns_enabled = true
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc" "consumer" {
    ///   cidr_block           = "10.1.0.0/16"
    ///   enable_dns_support   = true
    ///   enable_dns_hostnames = true
    /// }
    /// ```
    pub const INFO = {
        id: "PL008",
        name: "private_dns_vpc_attributes",
        severity: Error,
        summary: "`private_dns_enabled` in a VPC without DNS support or DNS hostnames.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) || ep.bool("private_dns_enabled") != Some(true) {
            continue;
        }
        let Some(vpc) = topo.resolve(ep.get("vpc_id"), &["aws_vpc"]) else { continue };
        let support = match vpc.get("enable_dns_support") {
            Value::Null => Some(true),
            _ => vpc.bool("enable_dns_support"),
        };
        let hostnames = if vpc.is_set("enable_dns_hostnames") { vpc.bool("enable_dns_hostnames") } else { Some(false) };
        let (Some(support), Some(hostnames)) = (support, hostnames) else { continue };
        let mut off = Vec::new();
        if !support {
            off.push("enable_dns_support = false");
        }
        if !hostnames {
            off.push(if vpc.is_set("enable_dns_hostnames") {
                "enable_dns_hostnames = false"
            } else {
                "enable_dns_hostnames not set (AWS's default is false)"
            });
        }
        if off.is_empty() {
            continue;
        }
        let attr = if !hostnames { "enable_dns_hostnames" } else { "enable_dns_support" };
        let f = out.report(
            ep,
            topo.span(ep, "private_dns_enabled"),
            format!(
                "{} enables private DNS in {}, which has {}: AWS refuses to create it (InvalidParameter: private DNS requires both enableDnsSupport and enableDnsHostnames)",
                ep.address(),
                vpc.address(),
                off.join(" and ")
            ),
            format!("set enable_dns_support = true and enable_dns_hostnames = true on {}", vpc.address()),
        );
        f.related.push((topo.span(vpc, attr), "the VPC's DNS attributes".into()));
    }
}
