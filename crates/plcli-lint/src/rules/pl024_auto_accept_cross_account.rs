use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds interface endpoints with `auto_accept = true` to an endpoint service of this
    /// configuration that requires acceptance and belongs to another account.
    ///
    /// ## Why it matters
    /// `auto_accept` makes the provider accept the connection as the endpoint's own caller,
    /// which only the service's owner may do. Across accounts nothing is accepted: the
    /// endpoint waits in `pendingAcceptance` although the configuration looks like it
    /// handles acceptance.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint" "api" {
    ///   provider          = aws.consumer   # not the service owner's account
    ///   service_name      = aws_vpc_endpoint_service.api.service_name
    ///   vpc_endpoint_type = "Interface"
    ///   auto_accept       = true
    ///   # ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Accept from the owner's side:
    /// ```hcl
    /// resource "aws_vpc_endpoint_connection_accepter" "api" {
    ///   provider                = aws.owner
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   vpc_endpoint_id         = aws_vpc_endpoint.api.id
    /// }
    /// ```
    pub const INFO = {
        id: "PL024",
        name: "auto_accept_cross_account",
        severity: Warning,
        summary: "`auto_accept` on an endpoint in another account than its service.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for ep in topo.of_type("aws_vpc_endpoint") {
        if ep.bool("auto_accept") != Some(true) {
            continue;
        }
        let Some(svc) = topo.endpoint_service(ep) else { continue };
        if svc.bool("acceptance_required") != Some(true) {
            continue;
        }
        let (Some(mine), Some(theirs)) = (topo.caller(ep), topo.caller(svc)) else { continue };
        if mine.account == theirs.account {
            continue;
        }
        out.report(
            ep,
            topo.span(ep, "auto_accept"),
            format!("{} sets auto_accept, but it is in account {}, not in {}'s account {}: only the owner can accept, so the endpoint waits in pendingAcceptance", ep.address(), mine.account, svc.address(), theirs.account),
            format!("accept it from account {} (aws_vpc_endpoint_connection_accepter) and remove auto_accept", theirs.account),
        );
    }
}
