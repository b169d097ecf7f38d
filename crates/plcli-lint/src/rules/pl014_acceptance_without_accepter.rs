use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds endpoint services with `acceptance_required = true` when nothing in the
    /// configuration accepts connections (`aws_vpc_endpoint_connection_accepter`, or an
    /// endpoint of the owner's own account with `auto_accept = true`) or tells anyone about
    /// them (`aws_vpc_endpoint_connection_notification` on the service).
    ///
    /// ## Why it matters
    /// Every new endpoint waits in `pendingAcceptance` until the owner accepts it, and the
    /// apply that creates it succeeds anyway: consumers see an endpoint that never carries
    /// traffic, and nobody on the provider side is told (`plcli verify` says
    /// `ENDPOINT_PENDING_ACCEPTANCE`).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   acceptance_required        = true
    ///   network_load_balancer_arns = [aws_lb.api.arn]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Accept known endpoints in the configuration, or route connection events to whoever
    /// approves them:
    /// ```hcl
    /// resource "aws_vpc_endpoint_connection_notification" "api" {
    ///   vpc_endpoint_service_id     = aws_vpc_endpoint_service.api.id
    ///   connection_notification_arn = aws_sns_topic.privatelink_events.arn
    ///   connection_events           = ["Connect", "Accept", "Reject", "Delete"]
    /// }
    /// ```
    /// or set `acceptance_required = false` when the allow-list is the gate you want.
    pub const INFO = {
        id: "PL014",
        name: "acceptance_without_accepter",
        severity: Warning,
        summary: "Acceptance required, but no accepter and no connection notification.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        if svc.bool("acceptance_required") != Some(true) {
            continue;
        }
        let accepters = topo.referrers(svc, "aws_vpc_endpoint_connection_accepter", "vpc_endpoint_service_id");
        let notifications = topo.referrers(svc, "aws_vpc_endpoint_connection_notification", "vpc_endpoint_service_id");
        if !accepters.found.is_empty() || !notifications.found.is_empty() || !accepters.complete || !notifications.complete {
            continue;
        }
        let owner = topo.caller(svc).map(|c| c.account.as_str());
        let self_accepted = topo.of_type("aws_vpc_endpoint").any(|ep| {
            ep.bool("auto_accept") == Some(true)
                && topo.endpoint_service(ep).is_some_and(|s| s.address() == svc.address())
                && topo.caller(ep).map(|c| c.account.as_str()) == owner
        });
        if self_accepted {
            continue;
        }
        out.report(
            svc,
            topo.span(svc, "acceptance_required"),
            format!("{} requires acceptance, but nothing in this configuration accepts its connections or notifies anyone of them: every endpoint waits in pendingAcceptance", svc.address()),
            "add an aws_vpc_endpoint_connection_accepter for each known endpoint, or an aws_vpc_endpoint_connection_notification to an SNS topic your approvers watch; or set acceptance_required = false",
        );
    }
}
