//! Provider configurations as callers: an account acting in a region (SPEC §2.2).

use std::collections::BTreeMap;

use plcli_lang::Value;
use plcli_syntax::{Diagnostic, Diagnostics, FileId, Span};

use crate::walk::PlcliValue;

/// Who calls the AWS API through one provider configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// `aws` or `aws.alias`.
    pub key: String,
    pub region: String,
    /// 12-digit account ID.
    pub account: String,
    /// The principal matched against allowed principals: the assumed role, else the
    /// account root.
    pub principal: String,
    pub profile: Option<String>,
    /// `default_tags { tags = {...} }`, merged into each resource's `tags_all`.
    pub default_tags: BTreeMap<String, String>,
    /// Where it is configured (`None` for the implicit default provider).
    pub span: Option<(FileId, Span)>,
}

/// The `simulation` block, decoded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Simulation {
    pub region: Option<String>,
    pub default_account: Option<String>,
    pub profiles: BTreeMap<String, String>,
    /// Per account: AZ name → AZ ID, and quota overrides.
    pub accounts: BTreeMap<String, SimAccount>,
    pub span: Option<Span>,
}

/// One `account "ID" { ... }` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimAccount {
    pub az_ids: BTreeMap<String, String>,
    pub quotas: BTreeMap<String, f64>,
    pub span: Option<Span>,
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map().map(|m| m.iter().filter_map(|(k, v)| Some((k.to_string(), v.to_template_string()?))).collect()).unwrap_or_default()
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Decodes the `simulation` block (validating account IDs, regions and AZ IDs).
pub fn simulation(plcli: &[PlcliValue], diags: &mut Diagnostics) -> Simulation {
    let mut sim = Simulation::default();
    let Some(b) = plcli.iter().find(|b| b.kind == "simulation") else { return sim };
    sim.span = Some(b.span);
    if let Some(a) = b.attrs.get("region") {
        match a.value.as_str() {
            Some(r) if plcli_aws::region_az_ids(r).is_some() => sim.region = Some(r.to_string()),
            Some(r) => diags.push(unknown_region(r, a.span)),
            None => {}
        }
    }
    if let Some(a) = b.attrs.get("default_account") {
        match a.value.to_template_string() {
            Some(acct) if is_account_id(&acct) => sim.default_account = Some(acct),
            Some(acct) => diags.push(bad_account(&acct, a.span)),
            None => {}
        }
    }
    if let Some(a) = b.attrs.get("profiles") {
        sim.profiles = string_map(&a.value);
        for (p, acct) in &sim.profiles {
            if !is_account_id(acct) {
                diags.push(
                    bad_account(acct, a.span)
                        .with_detail(format!("The profile \"{p}\" maps to \"{acct}\", which is not a 12-digit AWS account ID.")),
                );
            }
        }
    }
    for (kind, label, attrs, span) in &b.blocks {
        if kind != "account" {
            continue;
        }
        let Some(id) = label else { continue };
        if !is_account_id(id) {
            diags.push(bad_account(id, *span));
            continue;
        }
        let mut acct = SimAccount { span: Some(*span), ..SimAccount::default() };
        if let Some(a) = attrs.get("az_ids") {
            acct.az_ids = string_map(&a.value);
            let region = sim.region.clone().unwrap_or_else(|| "us-east-1".into());
            for (name, az_id) in &acct.az_ids {
                let known_ids: Vec<&str> = plcli_aws::REGIONS.iter().flat_map(|r| r.az_ids.iter().copied()).collect();
                if !known_ids.contains(&az_id.as_str()) {
                    diags.push(
                        Diagnostic::error("invalid_az_id", format!("Unknown AZ ID \"{az_id}\" for {name}")).with_span(a.span).with_detail(
                            format!(
                                "AZ IDs look like use1-az1; {region} has {}.",
                                plcli_aws::region_az_ids(&region).unwrap_or(&[]).join(", ")
                            ),
                        ),
                    );
                }
            }
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            for (name, az_id) in &acct.az_ids {
                if let Some(other) = seen.insert(az_id, name) {
                    diags.push(
                        Diagnostic::error("invalid_az_id", format!("Two AZ names map to {az_id} in account {id}"))
                            .with_span(a.span)
                            .with_detail(format!(
                                "{other} and {name} both map to {az_id}; in AWS each AZ name of an account is a different zone."
                            )),
                    );
                }
            }
        }
        if let Some(a) = attrs.get("quotas") {
            if let Some(m) = a.value.as_map() {
                for (k, v) in m {
                    match v.as_number() {
                        Some(n) if n >= 0.0 => {
                            acct.quotas.insert(k.to_string(), n);
                        }
                        _ => diags.push(
                            Diagnostic::error("invalid_quota", format!("Invalid value for quota \"{k}\""))
                                .with_span(a.span)
                                .with_detail("Quota values are non-negative numbers."),
                        ),
                    }
                }
            }
        }
        sim.accounts.insert(id.clone(), acct);
    }
    sim
}

fn unknown_region(r: &str, span: Span) -> Diagnostic {
    Diagnostic::error("unknown_region", format!("Region \"{r}\" is not simulated")).with_span(span).with_detail(format!(
        "plcli simulates these regions: {}.",
        plcli_aws::REGIONS.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
    ))
}

fn bad_account(acct: &str, span: Span) -> Diagnostic {
    Diagnostic::error("invalid_account_id", format!("\"{acct}\" is not an AWS account ID"))
        .with_span(span)
        .with_detail("AWS account IDs are 12 digits.")
}

/// A deterministic 12-digit account for a profile name (FNV-1a), so two profiles are two
/// accounts, as they nearly always are.
pub fn account_for_profile(profile: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in profile.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{:012}", h % 1_000_000_000_000)
}

/// The account in a role ARN (`arn:aws:iam::123456789012:role/x`).
pub fn arn_account(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() >= 6 && parts[0] == "arn" && is_account_id(parts[4])).then(|| parts[4].to_string())
}

/// The caller of one evaluated `provider "aws"` block (SPEC §2.2).
pub fn caller_for(key: &str, config: &Value, sim: &Simulation, span: (FileId, Span), diags: &mut Diagnostics) -> Caller {
    let get = |name: &str| config.get_attr(name).cloned().unwrap_or(Value::Null);
    let region = match get("region").as_str() {
        Some(r) => {
            if plcli_aws::region_az_ids(r).is_none() {
                diags.push(unknown_region(r, span.1));
            }
            r.to_string()
        }
        None => sim.region.clone().unwrap_or_else(|| "us-east-1".into()),
    };
    let role_arn = get("assume_role")
        .as_seq()
        .and_then(|s| s.first().cloned())
        .and_then(|r| r.get_attr("role_arn").and_then(|a| a.as_str().map(str::to_string)));
    let profile = get("profile").as_str().map(str::to_string);
    let allowed = get("allowed_account_ids").as_seq().and_then(|s| s.first().and_then(|v| v.as_str().map(str::to_string)));
    let account = allowed
        .or_else(|| role_arn.as_deref().and_then(arn_account))
        .or_else(|| profile.as_ref().map(|p| sim.profiles.get(p).cloned().unwrap_or_else(|| account_for_profile(p))))
        .or_else(|| sim.default_account.clone())
        .unwrap_or_else(|| "123456789012".into());
    let principal = role_arn.unwrap_or_else(|| format!("arn:aws:iam::{account}:root"));
    let default_tags = get("default_tags")
        .as_seq()
        .and_then(|s| s.first().cloned())
        .map(|t| string_map(t.get_attr("tags").unwrap_or(&Value::Null)))
        .unwrap_or_default();
    Caller { key: key.to_string(), region, account, principal, profile, default_tags, span: Some(span) }
}

/// The implicit default `aws` provider when the configuration declares none.
pub fn default_caller(sim: &Simulation) -> Caller {
    let account = sim.default_account.clone().unwrap_or_else(|| "123456789012".into());
    Caller {
        key: "aws".into(),
        region: sim.region.clone().unwrap_or_else(|| "us-east-1".into()),
        principal: format!("arn:aws:iam::{account}:root"),
        account,
        profile: None,
        default_tags: BTreeMap::new(),
        span: None,
    }
}
