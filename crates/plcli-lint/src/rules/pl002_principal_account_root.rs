use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Finds allowed principals that name a whole account (`arn:aws:iam::<account>:root`).
    ///
    /// ## Why it matters
    /// An account root admits every role and user of that account: any workload there may
    /// find the service and create an endpoint to it. AWS enforces role-scoped grants per
    /// calling principal, so allowing the consumer's workload role is the tighter control.
    /// Often the consumer's role is not known to the service owner, so this is a notice.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:root"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:role/api-client"
    /// }
    /// ```
    /// When only the account is known (the consumer creates its endpoint from its own
    /// root), keep the account root and suppress the notice with `# plcli-ignore: PL002`.
    pub const INFO = {
        id: "PL002",
        name: "principal_account_root",
        severity: Notice,
        summary: "A whole-account principal (`arn:aws:iam::<account>:root`) where a role would do.",
    }
}

/// The account of an account-root principal ARN.
pub(crate) fn root_account(p: &str) -> Option<&str> {
    let rest = p.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let acct = rest.strip_prefix("iam::")?.strip_suffix(":root")?;
    (partition.starts_with("aws") && acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit())).then_some(acct)
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    let fix = |topo: &Topology<'_>, acct: &str| {
        let role = topo.analysis.eval.callers.values().find(|c| c.account == acct && c.principal.contains(":role/"));
        match role {
            Some(c) => format!("allow {}, the role provider {} acts as, instead of the whole account", c.principal, c.key),
            None => format!("allow the consumer's workload role (arn:aws:iam::{acct}:role/NAME) instead of the whole account"),
        }
    };
    for p in topo.of_type("aws_vpc_endpoint_service_allowed_principal") {
        let Some(arn) = p.str("principal_arn") else { continue };
        let Some(acct) = root_account(arn) else { continue };
        let svc = topo
            .resolve(p.get("vpc_endpoint_service_id"), &["aws_vpc_endpoint_service"])
            .map_or_else(|| "the service".to_string(), |s| s.address().to_string());
        out.report(
            p,
            topo.span(p, "principal_arn"),
            format!("{} allows the whole account {acct} ({arn}): every role and user in it may create endpoints to {svc}", p.address()),
            fix(topo, acct),
        );
    }
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        if !svc.is_set("allowed_principals") {
            continue;
        }
        for v in svc.get("allowed_principals").as_seq().unwrap_or(&[]) {
            let Some(acct) = v.as_str().and_then(root_account) else { continue };
            out.report(
                svc,
                topo.span(svc, "allowed_principals"),
                format!(
                    "{} allows the whole account {acct} ({}): every role and user in it may create endpoints to it",
                    svc.address(),
                    v.as_str().unwrap_or_default()
                ),
                fix(topo, acct),
            );
        }
    }
}
