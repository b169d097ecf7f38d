//! Per-VPC DNS resolver views (SPEC §3.4).

use plcli_lang::Value;
use plcli_sim::World;

/// One DNS answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub name: String,
    pub ty: String,
    pub value: String,
    pub ttl: u32,
}

/// What a name resolves to in a VPC.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    pub answers: Vec<Answer>,
    /// `endpoint-private-dns`, `endpoint-regional`, `endpoint-zonal`, `private-zone:<id>`,
    /// `public-zone:<id>`.
    pub answered_by: Option<String>,
    /// The final A values.
    pub ips: Vec<String>,
    /// The endpoint whose ENIs answered, when one did.
    pub endpoint: Option<String>,
    /// Why a name that belongs to an endpoint service does not resolve privately here.
    pub not_effective: Option<String>,
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get_attr(k).and_then(Value::as_str).unwrap_or("")
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    v.get_attr(k).and_then(Value::as_seq).map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(base) => name.ends_with(&format!(".{base}")),
        None => pattern == name,
    }
}

/// The ENI addresses of an endpoint, optionally only in one AZ name.
fn endpoint_ips(world: &World, vpce: &str, az: Option<&str>) -> Vec<String> {
    let Some(ep) = world.get(vpce) else { return vec![] };
    strs(&ep.attrs, "network_interface_ids")
        .iter()
        .filter_map(|eni| world.get(eni))
        .filter(|o| az.is_none_or(|a| s(&o.attrs, "availability_zone") == a))
        .map(|o| s(&o.attrs, "private_ip").to_string())
        .collect()
}

/// Resolves `name` (type A) as the VPC's resolver would.
pub fn resolve(world: &World, vpc_id: &str, name: &str) -> Resolution {
    let name = name.trim_end_matches('.').to_lowercase();
    let mut res = Resolution::default();
    let Some(vpc) = world.get(vpc_id) else { return res };
    if vpc.attrs.get_attr("enable_dns_support").and_then(Value::as_bool) == Some(false) {
        res.not_effective =
            Some(format!("the VPC {vpc_id} has enable_dns_support = false, so the Amazon-provided resolver answers nothing"));
        return res;
    }
    let mut current = name.clone();
    for _ in 0..8 {
        match resolve_once(world, vpc_id, &current, &mut res) {
            Some(Step::Cname(target, ttl)) => {
                res.answers.push(Answer { name: current.clone(), ty: "CNAME".into(), value: target.clone(), ttl });
                current = target.trim_end_matches('.').to_lowercase();
            }
            Some(Step::A(ips, by, ttl)) => {
                for ip in &ips {
                    res.answers.push(Answer { name: current.clone(), ty: "A".into(), value: ip.clone(), ttl });
                }
                if res.answered_by.is_none() {
                    res.answered_by = Some(by);
                }
                res.ips = ips;
                return res;
            }
            None => break,
        }
    }
    // A name that belongs to an endpoint service: say why it is not in effect here.
    if res.ips.is_empty() {
        res.not_effective = res.not_effective.take().or_else(|| why_not_effective(world, vpc_id, &name));
    }
    res
}

enum Step {
    /// A CNAME (or alias) to follow, with its TTL.
    Cname(String, u32),
    /// The final addresses, who answered, and the TTL.
    A(Vec<String>, String, u32),
}

/// TTL of the A records of endpoint names (AWS answers them with 60 s).
const ENDPOINT_TTL: u32 = 60;

fn record_ttl(r: &Value) -> u32 {
    r.get_attr("ttl").and_then(Value::as_number).map(|t| t as u32).unwrap_or(300)
}

/// Whether the Amazon-provided resolver of the VPC answers for endpoints' private DNS names:
/// AWS needs both `enableDnsSupport` and `enableDnsHostnames`.
fn private_dns_in_effect(world: &World, vpc_id: &str) -> bool {
    world.get(vpc_id).is_some_and(|v| {
        v.attrs.get_attr("enable_dns_support").and_then(Value::as_bool) != Some(false)
            && v.attrs.get_attr("enable_dns_hostnames").and_then(Value::as_bool) == Some(true)
    })
}

/// The interface endpoint of the VPC whose AWS-managed private zone covers `name` (its
/// private DNS name, or a name under it), when private DNS is in effect in the VPC; and
/// whether the zone has an address record for exactly that name.
fn endpoint_zone(world: &World, vpc_id: &str, name: &str) -> Option<(String, bool)> {
    if !private_dns_in_effect(world, vpc_id) {
        return None;
    }
    for ep_id in world.referencing("vpc_id", vpc_id, Some("aws_vpc_endpoint")) {
        let Some(ep) = world.get(&ep_id) else { continue };
        let Some(pdns) = ep.internal.get("private_dns_name").and_then(Value::as_str) else { continue };
        let base = pdns.trim_start_matches("*.");
        let exact = name_matches(pdns, name);
        if exact || name == base || name.ends_with(&format!(".{base}")) {
            return Some((ep_id, exact));
        }
    }
    None
}

/// The hosted zone that answers for `name` in the VPC: the longest private zone associated
/// with the VPC (it shadows public DNS, even for names it does not hold), else the longest
/// public zone. Returns the zone ID and the `AnsweredBy` label.
fn authoritative_zone(world: &World, vpc_id: &str, name: &str) -> Option<(String, String)> {
    let mut best: Option<String> = None;
    let mut best_public: Option<String> = None;
    let labels: Vec<&str> = name.split('.').collect();
    // Longest matching zone first: a.b.example.com, b.example.com, example.com, ...
    for i in 0..labels.len() {
        let zname = labels[i..].join(".");
        for id in world.referencing("name", &zname, Some("aws_route53_zone")) {
            let Some(o) = world.get(&id) else { continue };
            let vpcs: Vec<String> = o
                .attrs
                .get_attr("vpc")
                .and_then(Value::as_seq)
                .map(|v| v.iter().map(|b| s(b, "vpc_id").to_string()).collect())
                .unwrap_or_default();
            if vpcs.is_empty() {
                best_public.get_or_insert(id.clone());
            } else if vpcs.iter().any(|v| v == vpc_id) {
                best.get_or_insert(id.clone());
            }
        }
    }
    match (best, best_public) {
        (Some(z), _) => Some((z.clone(), format!("private-zone:{z}"))),
        (None, Some(z)) => Some((z.clone(), format!("public-zone:{z}"))),
        (None, None) => None,
    }
}

/// Looks `name` up with record type `rtype` (`A`, `TXT` or `CNAME`) in the VPC, as `dig`
/// on a host there would: `A` follows CNAMEs to the addresses ([`resolve`]); `TXT` and
/// `CNAME` answer the records of the zone that is authoritative for the name in the VPC.
pub fn lookup(world: &World, vpc_id: &str, name: &str, rtype: &str) -> Resolution {
    let rtype = rtype.to_uppercase();
    if rtype == "A" {
        return resolve(world, vpc_id, name);
    }
    let name = name.trim_end_matches('.').to_lowercase();
    let mut res = Resolution::default();
    let Some(vpc) = world.get(vpc_id) else { return res };
    if vpc.attrs.get_attr("enable_dns_support").and_then(Value::as_bool) == Some(false) {
        res.not_effective =
            Some(format!("the VPC {vpc_id} has enable_dns_support = false, so the Amazon-provided resolver answers nothing"));
        return res;
    }
    // An endpoint's managed private zone holds only the address record of its name.
    if endpoint_zone(world, vpc_id, &name).is_some() {
        return res;
    }
    let Some((zone_id, label)) = authoritative_zone(world, vpc_id, &name) else { return res };
    for rid in world.referencing("zone_id", &zone_id, Some("aws_route53_record")) {
        let Some(r) = world.get(&rid) else { continue };
        if s(&r.attrs, "fqdn").trim_end_matches('.') != name || s(&r.attrs, "type") != rtype {
            continue;
        }
        for v in strs(&r.attrs, "records") {
            let value = if rtype == "TXT" && !v.starts_with('"') { format!("\"{v}\"") } else { v };
            res.answers.push(Answer { name: name.clone(), ty: rtype.clone(), value, ttl: record_ttl(&r.attrs) });
        }
        res.answered_by.get_or_insert(label.clone());
    }
    res
}

fn resolve_once(world: &World, vpc_id: &str, name: &str, res: &mut Resolution) -> Option<Step> {
    // 1. Private DNS of the VPC's interface endpoints (an AWS-managed private zone, in effect
    // only with both VPC DNS attributes on). The zone is authoritative for names under it.
    if let Some((ep_id, exact)) = endpoint_zone(world, vpc_id, name) {
        if !exact {
            return None;
        }
        res.endpoint = Some(ep_id.clone());
        return Some(Step::A(endpoint_ips(world, &ep_id, None), "endpoint-private-dns".into(), ENDPOINT_TTL));
    }
    // 2. Private hosted zones associated with the VPC shadow public ones.
    if let Some((zone_id, label)) = authoritative_zone(world, vpc_id, name) {
        for rid in world.referencing("zone_id", &zone_id, Some("aws_route53_record")) {
            let Some(r) = world.get(&rid) else { continue };
            if s(&r.attrs, "fqdn").trim_end_matches('.') != name {
                continue;
            }
            let ty = s(&r.attrs, "type");
            if let Some(alias) = r.attrs.get_attr("alias").and_then(Value::as_seq).and_then(|a| a.first()) {
                res.answered_by.get_or_insert(label.clone());
                return Some(Step::Cname(s(alias, "name").to_string(), ENDPOINT_TTL));
            }
            match ty {
                "A" => return Some(Step::A(strs(&r.attrs, "records"), label, record_ttl(&r.attrs))),
                "CNAME" => {
                    res.answered_by.get_or_insert(label.clone());
                    return strs(&r.attrs, "records").into_iter().next().map(|t| Step::Cname(t, record_ttl(&r.attrs)));
                }
                _ => {}
            }
        }
        if label.starts_with("private-zone:") {
            // The private zone is authoritative for its names: no fall-through to public DNS.
            return None;
        }
    }
    // 3. Endpoint regional and zonal names, published in public DNS.
    if name.starts_with("vpce-") && name.ends_with(".vpce.amazonaws.com") && name.len() > 22 {
        let id = &name[..22];
        if let Some(ep) = world.get(id) {
            let entries: Vec<String> = ep
                .attrs
                .get_attr("dns_entry")
                .and_then(Value::as_seq)
                .map(|v| v.iter().map(|e| s(e, "dns_name").to_string()).collect())
                .unwrap_or_default();
            if entries.first().map(String::as_str) == Some(name) {
                res.endpoint = Some(id.to_string());
                return Some(Step::A(endpoint_ips(world, id, None), "endpoint-regional".into(), ENDPOINT_TTL));
            }
            if entries.iter().any(|e| e == name) {
                let az = name.split('.').next().and_then(|first| first.splitn(4, '-').nth(3)).map(str::to_string);
                res.endpoint = Some(id.to_string());
                return Some(Step::A(endpoint_ips(world, id, az.as_deref()), "endpoint-zonal".into(), ENDPOINT_TTL));
            }
        }
    }
    None
}

fn why_not_effective(world: &World, vpc_id: &str, name: &str) -> Option<String> {
    let labels: Vec<&str> = name.split('.').collect();
    let candidates: Vec<String> =
        std::iter::once(name.to_string()).chain((1..labels.len()).map(|i| format!("*.{}", labels[i..].join(".")))).collect();
    let svc_id =
        candidates.iter().find_map(|c| world.referencing("private_dns_name", c, Some("aws_vpc_endpoint_service")).into_iter().next())?;
    let svc = world.get(&svc_id)?;
    let svc_name = s(&svc.attrs, "service_name");
    let verified = svc.internal.get("dns_state").and_then(Value::as_str) == Some("verified");
    let endpoints: Vec<String> = world
        .referencing("vpc_id", vpc_id, Some("aws_vpc_endpoint"))
        .into_iter()
        .filter(|e| world.get(e).is_some_and(|o| s(&o.attrs, "service_name") == svc_name))
        .collect();
    let vpc = world.get(vpc_id)?;
    let hostnames = vpc.attrs.get_attr("enable_dns_hostnames").and_then(Value::as_bool).unwrap_or(false);
    Some(if endpoints.is_empty() {
        format!("{name} is the private DNS name of {svc_id}, but the VPC {vpc_id} has no endpoint to it")
    } else if !verified {
        format!(
            "{svc_id} has not verified its private DNS name {name} (state {})",
            svc.internal.get("dns_state").and_then(Value::as_str).unwrap_or("unknown")
        )
    } else if !hostnames {
        format!("the VPC {vpc_id} has enable_dns_hostnames = false")
    } else {
        format!("the endpoint {} has private_dns_enabled = false", endpoints[0])
    })
}
