use super::prelude::*;
use crate::token::has_token;

rule_info! {
    /// ## What it does
    /// Finds allowed principals that are not a principal AWS accepts: `"*"`, an account root
    /// (`arn:aws:iam::<12 digits>:root`), or an IAM role or user ARN
    /// (`arn:aws:iam::<12 digits>:role/NAME`, `:user/NAME`). In the inline list a bare
    /// 12-digit account ID is accepted too (as the account root).
    ///
    /// ## Why it matters
    /// AWS refuses malformed principals (`InvalidPrincipal`), and a principal that is
    /// well-formed but not an IAM principal (an STS assumed-role session, a group) never
    /// matches anyone: the consumer stays locked out with `InvalidServiceName`.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "222222222222"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
    ///   vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id
    ///   principal_arn           = "arn:aws:iam::222222222222:root"
    /// }
    /// ```
    pub const INFO = {
        id: "PL018",
        name: "principal_arn_invalid",
        severity: Error,
        summary: "An allowed principal that is not `*`, an account root, or an IAM role or user ARN.",
    }
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Why `p` is not a principal AWS accepts, with a hint; `None` when it is.
fn invalid(p: &str, inline: bool) -> Option<String> {
    if p == "*" || has_token(p) || (inline && is_account(p)) {
        return None;
    }
    if is_account(p) {
        return Some(format!("a bare account ID is not an ARN: write arn:aws:iam::{p}:root"));
    }
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || !parts[1].starts_with("aws") {
        return Some("allowed principals are \"*\" or IAM ARNs (arn:aws:iam::<account>:root, :role/NAME, :user/NAME)".into());
    }
    let (service, account, resource) = (parts[2], parts[4], parts[5]);
    if service == "sts" && resource.starts_with("assumed-role/") {
        let role = resource.trim_start_matches("assumed-role/").split('/').next().unwrap_or("NAME");
        return Some(format!("an assumed-role session is not a principal AWS allows: use the role, arn:aws:iam::{account}:role/{role}"));
    }
    if service != "iam" {
        return Some(format!("{service} ARNs are not principals: use an IAM role, user or account root ARN"));
    }
    if !is_account(account) {
        return Some(format!("\"{account}\" is not a 12-digit account ID"));
    }
    let ok = resource == "root"
        || resource.strip_prefix("role/").is_some_and(|r| !r.is_empty())
        || resource.strip_prefix("user/").is_some_and(|r| !r.is_empty());
    (!ok).then(|| format!("\"{resource}\" is not root, role/NAME or user/NAME"))
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for p in topo.of_type("aws_vpc_endpoint_service_allowed_principal") {
        let Some(arn) = p.str("principal_arn") else { continue };
        if let Some(why) = invalid(arn, false) {
            out.report(
                p,
                topo.span(p, "principal_arn"),
                format!("\"{arn}\" is not a principal AWS accepts: {why}"),
                "use \"*\", arn:aws:iam::<account>:root, or a role or user ARN",
            );
        }
    }
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        if !svc.is_set("allowed_principals") {
            continue;
        }
        for v in svc.get("allowed_principals").as_seq().unwrap_or(&[]) {
            let Some(arn) = v.as_str() else { continue };
            if let Some(why) = invalid(arn, true) {
                out.report(
                    svc,
                    topo.span(svc, "allowed_principals"),
                    format!("\"{arn}\" is not a principal AWS accepts: {why}"),
                    "use \"*\", arn:aws:iam::<account>:root, or a role or user ARN",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::invalid;

    #[test]
    fn principal_forms() {
        assert!(invalid("*", false).is_none());
        assert!(invalid("arn:aws:iam::222222222222:root", false).is_none());
        assert!(invalid("arn:aws:iam::222222222222:role/path/x", false).is_none());
        assert!(invalid("arn:aws-us-gov:iam::222222222222:user/x", false).is_none());
        assert!(invalid("222222222222", true).is_none());
        assert!(invalid("222222222222", false).is_some());
        assert!(invalid("arn:aws:iam::2222:root", false).is_some());
        assert!(invalid("arn:aws:iam::222222222222:group/x", false).is_some());
        assert!(invalid("arn:aws:sts::222222222222:assumed-role/x/s", false).unwrap().contains("role/x"));
        assert!(invalid("arn:aws:iam::222222222222", false).is_some());
    }
}
