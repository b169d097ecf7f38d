use super::prelude::*;
use crate::token::{as_token, has_token, token, tokens_in};

rule_info! {
    /// ## What it does
    /// Finds endpoint services with a `private_dns_name` for which no TXT record in this
    /// configuration could prove ownership. A record counts when it publishes the service's
    /// verification value (`private_dns_name_configuration[0].value`), has type `TXT`, is in a
    /// public zone, and its name (as the AWS provider normalises it: lower-cased, one trailing
    /// dot dropped, the zone name appended unless the name already ends with it) is
    /// `<private_dns_name_configuration[0].name>.<domain>` or `<domain>` itself, where
    /// `<domain>` is the private DNS name or a parent domain of it.
    ///
    /// ## Why it matters
    /// Until AWS finds the TXT record in public DNS, the name stays `pendingVerification`,
    /// and consumers cannot enable private DNS ("Private DNS can't be enabled because the
    /// service ... has not verified the private DNS name"). A record in a private zone, or
    /// under a name the provider silently turns into something else (the zone appended
    /// twice), never verifies anything.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_vpc_endpoint_service" "api" {
    ///   acceptance_required        = true
    ///   network_load_balancer_arns = [aws_lb.api.arn]
    ///   private_dns_name           = "api.example.com"
    /// }
    /// # ... and no TXT record
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_route53_record" "api_verification" {
    ///   zone_id = aws_route53_zone.public.zone_id   # a public zone for example.com
    ///   name    = "${aws_vpc_endpoint_service.api.private_dns_name_configuration[0].name}.api.example.com"
    ///   type    = "TXT"
    ///   ttl     = 1800
    ///   records = [aws_vpc_endpoint_service.api.private_dns_name_configuration[0].value]
    /// }
    /// ```
    /// When the record lives in another configuration (or another DNS provider), suppress
    /// the finding with `# plcli-ignore: PL009`.
    pub const INFO = {
        id: "PL009",
        name: "private_dns_unverifiable",
        severity: Warning,
        summary: "A `private_dns_name` without a TXT record that could verify it.",
    }
}

/// The `aws_route53_record`s that publish a service's verification value, and whether
/// that list is complete.
pub(crate) fn verification_records<'t, 'a>(topo: &'t Topology<'a>, svc: &Inst<'_>) -> (Vec<&'t Inst<'a>>, bool) {
    let refs = topo.referrers(svc, "aws_route53_record", "records");
    let value = "private_dns_name_configuration.0.value";
    let found = refs
        .found
        .into_iter()
        .filter(|r| {
            r.get("records")
                .as_seq()
                .unwrap_or(&[])
                .iter()
                .any(|v| v.as_str().is_some_and(|s| tokens_in(s).iter().any(|t| t.address == svc.address() && t.attr == value)))
        })
        .collect();
    (found, refs.complete)
}

/// Why `record` cannot verify `svc`'s name, as (argument, reason); `None` when it can (or
/// when what it publishes cannot be known).
fn problem(topo: &Topology<'_>, svc: &Inst<'_>, record: &Inst<'_>) -> Option<(&'static str, String)> {
    match record.get("type") {
        Value::String(t) if t.eq_ignore_ascii_case("TXT") => {}
        Value::String(t)
            if as_token(t).is_some_and(|k| k.address == svc.address() && k.attr == "private_dns_name_configuration.0.type") => {}
        Value::String(t) if !has_token(t) => return Some(("type", format!("is of type {t}, not TXT"))),
        _ => {}
    }
    let mut zone_name: Option<String> = None;
    if let Some(zone) = topo.resolve(record.get("zone_id"), &["aws_route53_zone"]) {
        let private = match zone.rec.mode {
            plcli_config::ResourceMode::Managed => zone.get("vpc").as_seq().is_some_and(|v| !v.is_empty()),
            plcli_config::ResourceMode::Data => zone.bool("private_zone") == Some(true),
        };
        if private {
            return Some(("zone_id", format!("is in the private zone {}, but AWS verifies the name through public DNS", zone.address())));
        }
        zone_name = zone.str("name").filter(|n| !has_token(n)).map(|n| n.to_ascii_lowercase().trim_end_matches('.').to_string());
    }
    let domain = svc.str("private_dns_name").filter(|n| !has_token(n))?.to_ascii_lowercase();
    let domain = domain.trim_start_matches("*.").trim_end_matches('.');
    let name = record.str("name")?;
    let label = token(svc.address(), "private_dns_name_configuration.0.name").to_lowercase();
    let mut fqdn = name.to_lowercase();
    if fqdn.ends_with('.') {
        fqdn.pop();
    }
    match &zone_name {
        Some(z) if !fqdn.ends_with(z.as_str()) => fqdn = format!("{fqdn}.{z}"),
        None if !fqdn.contains('.') || fqdn == label => return None,
        _ => {}
    }
    let covers = |d: &str| d == domain || domain.ends_with(&format!(".{d}"));
    let ok = match fqdn.strip_prefix(&format!("{label}.")) {
        Some(rest) => !has_token(rest) && covers(rest),
        None if has_token(&fqdn) => return None,
        None => covers(&fqdn),
    };
    if ok {
        return None;
    }
    let shown = crate::token::display(&fqdn).replace(&crate::token::display(&label), "<token>");
    Some((
        "name",
        format!("publishes {shown}, which does not prove ownership of {domain} (expected <token>.{domain}, or under a parent domain)"),
    ))
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for svc in topo.of_type("aws_vpc_endpoint_service") {
        if !svc.is_set("private_dns_name") || svc.get("private_dns_name").is_null() {
            continue;
        }
        let shown = svc.str("private_dns_name").map_or_else(|| "its private_dns_name".to_string(), |n| format!("\"{n}\""));
        let (records, complete) = verification_records(topo, svc);
        if records.is_empty() {
            if complete {
                out.report(
                    svc,
                    topo.span(svc, "private_dns_name"),
                    format!("no TXT record in this configuration publishes the verification value of {}, so {shown} stays pendingVerification and consumers cannot enable private DNS", svc.address()),
                    format!("add an aws_route53_record of type TXT in a public zone: name = \"${{{0}.private_dns_name_configuration[0].name}}.<domain>\", records = [{0}.private_dns_name_configuration[0].value]", svc.address()),
                );
            }
            continue;
        }
        let problems: Vec<_> = records.iter().map(|r| (r, problem(topo, svc, r))).collect();
        if problems.iter().any(|(_, p)| p.is_none()) {
            continue;
        }
        for (r, p) in problems {
            let Some((attr, why)) = p else { continue };
            out.report(
                r,
                topo.span(r, attr),
                format!("{} {why}: it cannot verify {shown} of {}", r.address(), svc.address()),
                "publish the TXT record in a public zone for the name or a parent domain, as <private_dns_name_configuration[0].name>.<private_dns_name>",
            );
        }
    }
}
