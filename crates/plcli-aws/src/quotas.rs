//! The quotas plcli enforces (SPEC §3.6), by key. Nothing else is enforced.

/// One enforced quota.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    pub key: &'static str,
    /// `None`: unlimited unless the `simulation` block sets it.
    pub default: Option<u64>,
    pub code: &'static str,
    /// What is counted, for messages.
    pub what: &'static str,
}

pub const QUOTAS: &[Quota] = &[
    Quota { key: "interface_endpoints_per_vpc", default: Some(50), code: "VpcEndpointLimitExceeded", what: "interface endpoints per VPC" },
    Quota { key: "listeners_per_nlb", default: Some(50), code: "TooManyListeners", what: "listeners per load balancer" },
    Quota {
        key: "targets_per_nlb_per_az",
        default: Some(500),
        code: "TooManyTargets",
        what: "targets per load balancer per Availability Zone",
    },
    Quota { key: "targets_per_nlb", default: Some(3000), code: "TooManyTargets", what: "targets per load balancer" },
    Quota {
        key: "security_groups_per_eni",
        default: Some(5),
        code: "SecurityGroupsPerInterfaceLimitExceeded",
        what: "security groups per network interface",
    },
    Quota {
        key: "rules_per_security_group",
        default: Some(60),
        code: "RulesPerSecurityGroupLimitExceeded",
        what: "rules per security group (per direction)",
    },
    Quota { key: "subnets_per_vpc", default: Some(200), code: "SubnetLimitExceeded", what: "subnets per VPC" },
    Quota {
        key: "allowed_principals_per_service",
        default: None,
        code: "PrincipalLimitExceeded",
        what: "allowed principals per endpoint service",
    },
    Quota { key: "endpoint_services_per_region", default: None, code: "ServiceLimitExceeded", what: "endpoint services per region" },
];

/// The quota with this key.
pub fn quota(key: &str) -> Option<&'static Quota> {
    QUOTAS.iter().find(|q| q.key == key)
}
