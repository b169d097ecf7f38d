use super::prelude::*;
use std::collections::BTreeMap;

rule_info! {
    /// ## What it does
    /// Finds a quota of SPEC §3.6 used at 80 % or more by this configuration alone:
    /// allowed principals per endpoint service (only when `simulation` sets
    /// `allowed_principals_per_service`, as AWS publishes no such quota), interface
    /// endpoints per VPC, listeners per NLB, security groups per endpoint, rules per
    /// security group and direction (each CIDR, prefix list or group is one rule), subnets
    /// per VPC, targets per NLB, and endpoint services per region (only when set). Limits
    /// are AWS's defaults, or the `simulation` block's `account "ID" { quotas = {...} }`
    /// for the account that owns the counted objects.
    ///
    /// ## Why it matters
    /// A quota hit fails the apply that crosses it (`VpcEndpointLimitExceeded`,
    /// `TooManyListeners`, ...), usually in the middle of onboarding a consumer. Raising a
    /// quota takes an AWS support request; start it before the last 20 %.
    ///
    /// ## Example
    /// ```hcl
    /// simulation {
    ///   account "111111111111" {
    ///     quotas = { allowed_principals_per_service = 50 }
    ///   }
    /// }
    /// # ... and 45 aws_vpc_endpoint_service_allowed_principal for one service
    /// ```
    ///
    /// ## Fix
    /// Request a higher quota in AWS (and record it in the `simulation` block), or split the
    /// load: another endpoint service, another VPC, fewer security groups per endpoint.
    pub const INFO = {
        id: "PL011",
        name: "quota_near",
        severity: Warning,
        summary: "A quota at 80 % or more (principals per service, endpoints per VPC, ...).",
    }
}

/// The quota `key` for `account`: the simulation block's override, else the default.
fn limit(topo: &Topology<'_>, account: &str, key: &str) -> Option<u64> {
    let set = topo.analysis.eval.simulation.accounts.get(account).and_then(|a| a.quotas.get(key)).map(|v| *v as u64);
    set.or(plcli_aws::quota(key)?.default)
}

/// One count against one quota: `used` objects counted against `key` in `account`.
struct Usage<'u> {
    account: &'u str,
    key: &'static str,
    used: usize,
    what: String,
}

fn near(topo: &Topology<'_>, out: &mut Sink<'_>, at: &Inst<'_>, attr: &str, u: Usage<'_>) {
    let Usage { account, key, used, what } = u;
    let Some(max) = limit(topo, account, key) else { return };
    if max == 0 || (used as u64).saturating_mul(100) < max.saturating_mul(80) {
        return;
    }
    let code = plcli_aws::quota(key).map_or("", |q| q.code);
    let state = if used as u64 > max {
        format!("over the quota: apply fails with {code}")
    } else if used as u64 == max {
        format!("at the quota: one more fails with {code}")
    } else {
        "near the quota".to_string()
    };
    out.report(
        at,
        topo.span(at, attr),
        format!("{what}: {used} of {key} = {max} in account {account} ({}%), {state}", (used as u64).saturating_mul(100) / max),
        format!("request a higher {key} quota before adding more (and set it in simulation {{ account \"{account}\" {{ quotas = {{ ... }} }} }}), or spread the load"),
    );
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    let account = |i: &Inst<'_>| topo.caller(i).map(|c| c.account.clone());
    let mut services_per_region: BTreeMap<(String, String), Vec<&Inst<'_>>> = BTreeMap::new();
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        let Some(c) = topo.caller(svc) else { continue };
        services_per_region.entry((c.account.clone(), c.region.clone())).or_default().push(svc);
        let (principals, _) = topo.service_principals(svc);
        near(
            topo,
            out,
            svc,
            "allowed_principals",
            Usage {
                account: &c.account,
                key: "allowed_principals_per_service",
                used: principals.len(),
                what: format!("{} allows {} principals", svc.address(), principals.len()),
            },
        );
    }
    for ((acct, region), svcs) in &services_per_region {
        let last = svcs[svcs.len() - 1];
        near(
            topo,
            out,
            last,
            "",
            Usage {
                account: acct,
                key: "endpoint_services_per_region",
                used: svcs.len(),
                what: format!("account {acct} publishes {} endpoint services in {region}", svcs.len()),
            },
        );
    }
    let mut endpoints_per_vpc: BTreeMap<&str, usize> = BTreeMap::new();
    for ep in topo.of_type("aws_vpc_endpoint") {
        if !topo.is_interface(ep) {
            continue;
        }
        if let Some(vpc) = topo.resolve(ep.get("vpc_id"), &["aws_vpc"]) {
            *endpoints_per_vpc.entry(vpc.address()).or_default() += 1;
        }
        if let (Some(sgs), Some(acct)) = (topo.endpoint_sgs(ep), account(ep)) {
            near(
                topo,
                out,
                ep,
                "security_group_ids",
                Usage {
                    account: &acct,
                    key: "security_groups_per_eni",
                    used: sgs.len(),
                    what: format!("{} has {} security groups on each ENI", ep.address(), sgs.len()),
                },
            );
        }
    }
    for vpc in topo.of_type("aws_vpc") {
        let Some(acct) = account(vpc) else { continue };
        if let Some(n) = endpoints_per_vpc.get(vpc.address()) {
            near(
                topo,
                out,
                vpc,
                "",
                Usage {
                    account: &acct,
                    key: "interface_endpoints_per_vpc",
                    used: *n,
                    what: format!("{} has {n} interface endpoints", vpc.address()),
                },
            );
        }
        let subnets = topo.referrers(vpc, "aws_subnet", "vpc_id").found.len();
        near(
            topo,
            out,
            vpc,
            "",
            Usage { account: &acct, key: "subnets_per_vpc", used: subnets, what: format!("{} has {subnets} subnets", vpc.address()) },
        );
    }
    for ty in ["aws_lb", "aws_alb"] {
        for lb in topo.of_type(ty) {
            let Some(acct) = account(lb) else { continue };
            let Some(listeners) = topo.lb_listeners(lb) else { continue };
            near(
                topo,
                out,
                lb,
                "",
                Usage {
                    account: &acct,
                    key: "listeners_per_nlb",
                    used: listeners.len(),
                    what: format!("{} has {} listeners", lb.address(), listeners.len()),
                },
            );
            let mut targets: Vec<&str> = Vec::new();
            for (l, _, _) in &listeners {
                for tg in topo.listener_target_groups(l).unwrap_or_default() {
                    for t in ["aws_lb_target_group_attachment", "aws_alb_target_group_attachment"] {
                        targets.extend(topo.referrers(tg, t, "target_group_arn").found.iter().map(|a| a.address()));
                    }
                }
            }
            targets.sort_unstable();
            targets.dedup();
            near(
                topo,
                out,
                lb,
                "",
                Usage {
                    account: &acct,
                    key: "targets_per_nlb",
                    used: targets.len(),
                    what: format!("{} has {} registered targets", lb.address(), targets.len()),
                },
            );
        }
    }
    for sg in topo.of_type("aws_security_group") {
        let Some(acct) = account(sg) else { continue };
        for direction in ["ingress", "egress"] {
            let Some(rules) = topo.sg_rules(sg, direction) else { continue };
            let n: usize = rules.iter().map(|r| r.sources.max(1)).sum();
            near(
                topo,
                out,
                sg,
                "",
                Usage {
                    account: &acct,
                    key: "rules_per_security_group",
                    used: n,
                    what: format!("{} has {n} {direction} rules", sg.address()),
                },
            );
        }
    }
}
