//! `plcli verify` against seed 004's troubleshooting runbook: for each symptom, a copy of
//! examples/payments with one thing broken, and the explanation an AWS network engineer
//! would give — its code, and the file:line of the resource to change. Also: scenarios,
//! `--planned` writes nothing, exit codes, and the text and JSON reports of one failure.

mod common;

use std::path::Path;

use common::{copy_dir, plcli, repo, Run};
use serde_json::Value as Json;

/// A fresh copy of examples/payments.
fn payments() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/payments"), dir.path());
    dir
}

/// Replaces `from` by `to` in a file of the root; the text must be there.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{file} has no {from:?}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}

/// Removes the top-level block that starts with `header` from a file of the root.
fn remove_block(dir: &Path, file: &str, header: &str) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    let i = s.find(header).unwrap_or_else(|| panic!("{file} has no {header}"));
    let j = i + s[i..].find("\n}\n").unwrap() + 3;
    std::fs::write(&p, format!("{}{}", &s[..i], &s[j..])).unwrap();
}

/// The 1-based line where `needle` starts in a file of the root.
fn line_of(dir: &Path, file: &str, needle: &str) -> usize {
    let s = std::fs::read_to_string(dir.join(file)).unwrap();
    let i = s.find(needle).unwrap_or_else(|| panic!("{file} has no {needle}"));
    s[..i].lines().count() + 1
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.transcript());
}

/// `plcli verify --json ARGS`: exit code and report.
fn verify(dir: &Path, args: &[&str]) -> (i32, Json) {
    let mut a = vec!["verify", "--json"];
    a.extend_from_slice(args);
    let r = plcli(dir, &a);
    assert!(r.code == 0 || r.code == 2, "{}", r.transcript());
    (r.code, serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.transcript())))
}

fn path<'a>(report: &'a Json, name: &str) -> &'a Json {
    report["paths"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no path {name}: {report:#}"))
}

/// A path's result and its error explanations as (code, resource, file, line).
fn outcome(report: &Json, name: &str) -> (String, Vec<(String, String, String, usize)>) {
    let p = path(report, name);
    let errors = p["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["severity"] == "error")
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["resource"].as_str().unwrap().to_string(),
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    (p["result"].as_str().unwrap().to_string(), errors)
}

fn expl(code: &str, resource: &str, file: &str, line: usize) -> (String, String, String, usize) {
    (code.to_string(), resource.to_string(), file.to_string(), line)
}

fn message<'a>(report: &'a Json, name: &str, code: &str) -> &'a str {
    path(report, name)["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == code)
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} on {name}: {report:#}"))
}

const APP: &str = "app_to_payments";
const REGIONAL: &str = "app_to_payments_regional";

#[test]
fn the_example_is_reachable_before_and_after_apply() {
    let d = payments();
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 0, "{j:#}");
    assert_eq!(j["summary"], serde_json::json!({"total": 2, "ok": 2, "failed": 0}));
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let (code, j) = verify(d.path(), &[]);
    assert_eq!(code, 0, "{j:#}");
    assert_eq!(outcome(&j, APP), ("reachable".into(), vec![]));
    // Every hop of SPEC §6, in order, each AZ of the endpoint.
    let kinds: Vec<&str> = path(&j, APP)["hops"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    let mut distinct = kinds.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "source",
            "dns",
            "source-sg-egress",
            "endpoint-eni",
            "endpoint-sg-ingress",
            "endpoint-connection",
            "service",
            "nlb-listener",
            "nlb-node",
            "target-group",
            "targets"
        ]
    );
    assert_eq!(kinds.iter().filter(|k| **k == "endpoint-eni").count(), 3);
}

// ---------------------------------------------------------------- runbook, symptom by symptom

/// "Endpoint stuck in pendingAcceptance: the provider has not accepted the connection."
#[test]
fn endpoint_pending_acceptance() {
    let d = payments();
    remove_block(d.path(), "endpoint_service.tf", "resource \"aws_vpc_endpoint_connection_accepter\" \"payments\"");
    remove_block(d.path(), "outputs.tf", "output \"endpoint_state\"");
    let line = line_of(d.path(), "consumer.tf", "resource \"aws_vpc_endpoint\" \"payments\"");
    let want = ("unreachable".to_string(), vec![expl("ENDPOINT_PENDING_ACCEPTANCE", "aws_vpc_endpoint.payments", "consumer.tf", line)]);
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP), want);
    assert_eq!(outcome(&j, REGIONAL), want, "the regional name reaches the same pending connection");
    // The same once applied.
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let (code, j) = verify(d.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP), want);
    assert!(message(&j, APP, "ENDPOINT_PENDING_ACCEPTANCE").contains("acceptance_required = true"));
}

/// "DNS does not give the friendly name: private DNS is not effective — the consumer set
/// private_dns_enabled = false." The regional vpce name still works.
#[test]
fn private_dns_off_on_the_endpoint() {
    let d = payments();
    edit(d.path(), "consumer.tf", "private_dns_enabled = true", "private_dns_enabled = false");
    let line = line_of(d.path(), "consumer.tf", "resource \"aws_vpc_endpoint\" \"payments\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        ("unreachable".into(), vec![expl("DNS_PRIVATE_DNS_NOT_EFFECTIVE", "aws_vpc_endpoint.payments", "consumer.tf", line)])
    );
    assert!(message(&j, APP, "DNS_PRIVATE_DNS_NOT_EFFECTIVE").contains("private_dns_enabled = false"));
    assert_eq!(outcome(&j, REGIONAL), ("reachable".into(), vec![]));
}

/// "...either the provider's domain verification is not verified": the provider never
/// published the TXT record, so consumers cannot use the name (their endpoints are created
/// without private DNS); the service is what to fix.
#[test]
fn private_dns_name_never_verified() {
    let d = payments();
    remove_block(d.path(), "endpoint_service.tf", "resource \"aws_route53_record\" \"private_dns_verification\"");
    remove_block(d.path(), "endpoint_service.tf", "resource \"aws_vpc_endpoint_service_private_dns_verification\" \"payments\"");
    edit(d.path(), "consumer.tf", "    aws_vpc_endpoint_service_private_dns_verification.payments,\n", "");
    edit(d.path(), "consumer.tf", "private_dns_enabled = true", "private_dns_enabled = false");
    let line = line_of(d.path(), "endpoint_service.tf", "resource \"aws_vpc_endpoint_service\" \"payments\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        (
            "unreachable".into(),
            vec![expl("DNS_PRIVATE_DNS_NOT_EFFECTIVE", "aws_vpc_endpoint_service.payments", "endpoint_service.tf", line)]
        )
    );
    assert!(message(&j, APP, "DNS_PRIVATE_DNS_NOT_EFFECTIVE")
        .contains("has not verified its private DNS name payments.example.com (state pendingVerification)"));
    assert_eq!(outcome(&j, REGIONAL).0, "reachable");
}

/// Turning private DNS off on an applied endpoint (ModifyVpcEndpoint, in place) takes the
/// name away; turning it back on restores it.
#[test]
fn private_dns_turned_off_in_place() {
    let d = payments();
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    edit(d.path(), "consumer.tf", "private_dns_enabled = true", "private_dns_enabled = false");
    let plan = plcli(d.path(), &["plan"]);
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.transcript());
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let (code, j) = verify(d.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP).1[0].0, "DNS_PRIVATE_DNS_NOT_EFFECTIVE");
    edit(d.path(), "consumer.tf", "private_dns_enabled = false", "private_dns_enabled = true");
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    assert_eq!(verify(d.path(), &[]).0, 0);
    assert_eq!(plcli(d.path(), &["plan", "--detailed-exitcode"]).code, 0);
}

/// "...or the consumer VPC lacks enableDnsHostnames": at creation AWS refuses private DNS;
/// on an existing endpoint the name stops resolving, and the VPC is what to fix.
#[test]
fn vpc_dns_hostnames_off() {
    let d = payments();
    let from = "  enable_dns_support   = true\n  enable_dns_hostnames = true\n\n  tags = {\n    Name = \"payments-consumer\"";
    let to = "  enable_dns_support   = true\n  enable_dns_hostnames = false\n\n  tags = {\n    Name = \"payments-consumer\"";
    // Before anything exists: the endpoint cannot be created with private DNS.
    let fresh = payments();
    edit(fresh.path(), "consumer.tf", from, to);
    let (code, j) = verify(fresh.path(), &["--planned"]);
    assert_eq!(code, 2);
    let line = line_of(fresh.path(), "consumer.tf", "resource \"aws_vpc_endpoint\" \"payments\"");
    assert_eq!(
        outcome(&j, APP),
        ("unreachable".into(), vec![expl("ENDPOINT_CREATE_FAILED", "aws_vpc_endpoint.payments", "consumer.tf", line)])
    );
    assert!(message(&j, APP, "ENDPOINT_CREATE_FAILED")
        .contains("InvalidParameter: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames"));
    // After: the attribute changes in place, and private DNS is no longer in effect.
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    edit(d.path(), "consumer.tf", from, to);
    let vpc_line = line_of(d.path(), "consumer.tf", "resource \"aws_vpc\" \"consumer\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    let want = ("unreachable".to_string(), vec![expl("DNS_PRIVATE_DNS_NOT_EFFECTIVE", "aws_vpc.consumer", "consumer.tf", vpc_line)]);
    assert_eq!(outcome(&j, APP), want);
    assert_eq!(outcome(&j, REGIONAL).0, "reachable");
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    let (_, j) = verify(d.path(), &[]);
    assert_eq!(outcome(&j, APP), want);
    assert!(message(&j, APP, "DNS_PRIVATE_DNS_NOT_EFFECTIVE").contains("enable_dns_hostnames = false"));
}

/// "available endpoint but connections hang: the endpoint ENI's security group does not
/// allow inbound on the service port from the client."
#[test]
fn endpoint_sg_does_not_admit_the_port() {
    let d = payments();
    edit(
        d.path(),
        "consumer.tf",
        "  from_port         = var.service_port\n  to_port           = var.service_port\n  cidr_ipv4         = var.consumer_vpc_cidr\n}\n\n# App hosts",
        "  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = var.consumer_vpc_cidr\n}\n\n# App hosts",
    );
    let line = line_of(d.path(), "consumer.tf", "resource \"aws_security_group\" \"endpoint\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    let want = ("unreachable".to_string(), vec![expl("ENDPOINT_SG_INGRESS_DENIED", "aws_security_group.endpoint", "consumer.tf", line)]);
    assert_eq!(outcome(&j, APP), want);
    assert_eq!(outcome(&j, REGIONAL), want);
    assert!(message(&j, APP, "ENDPOINT_SG_INGRESS_DENIED").contains("on TCP 8443"));
    // Derived paths (no path blocks): one per endpoint subnet, the VPC as the source.
    remove_block(d.path(), "simulation.plcli.hcl", "path \"app_to_payments\"");
    remove_block(d.path(), "simulation.plcli.hcl", "path \"app_to_payments_regional\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    let names: Vec<&str> = j["paths"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"aws_vpc_endpoint.payments:8443:aws_subnet.consumer[\"us-east-1c\"]"), "{names:?}");
    for n in names {
        assert_eq!(outcome(&j, n), want, "{n}");
        assert!(message(&j, n, "ENDPOINT_SG_INGRESS_DENIED").contains("any address of the VPC"));
    }
}

/// "Works in one AZ, fails in another: cross-zone load balancing is off and that AZ has no
/// healthy targets."
#[test]
fn works_in_one_az_but_not_the_others() {
    let d = one_az_of_targets();
    let tg = line_of(d.path(), "service.tf", "resource \"aws_lb_target_group\" \"payments\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    let (result, errors) = outcome(&j, APP);
    assert_eq!(result, "partial");
    assert_eq!(errors, vec![expl("NO_HEALTHY_TARGETS_IN_AZ", "aws_lb_target_group.payments", "service.tf", tg); 2]);
    assert!(message(&j, APP, "NO_HEALTHY_TARGETS_IN_AZ").contains("cross-zone load balancing is off"));
    let msgs: Vec<&str> = path(&j, APP)["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "NO_HEALTHY_TARGETS_IN_AZ")
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(msgs[0].contains("use1-az2") || msgs[1].contains("use1-az2"), "{msgs:?}");
    assert!(msgs.iter().all(|m| !m.contains("use1-az1")), "use1-az1 has the target: {msgs:?}");
    let warnings: Vec<&str> = path(&j, APP)["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["severity"] == "warning")
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(warnings.contains(&"CROSS_ZONE_OFF_UNEVEN_TARGETS"), "{warnings:?}");
}

/// Cross-zone off, and one API host only, in the provider's us-east-1a (use1-az1).
fn one_az_of_targets() -> tempfile::TempDir {
    let d = payments();
    edit(d.path(), "service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false");
    edit(
        d.path(),
        "service.tf",
        "resource \"aws_instance\" \"service\" {\n  provider = aws.provider\n  for_each = aws_subnet.provider",
        "resource \"aws_instance\" \"service\" {\n  provider = aws.provider\n  for_each = { for k, s in aws_subnet.provider : k => s if k == \"us-east-1a\" }",
    );
    d
}

/// "Also confirm targets are healthy": the targets' security group admits the clients'
/// CIDR, but PrivateLink traffic and health checks come from the NLB's addresses.
#[test]
fn targets_unhealthy_because_their_sg_does_not_admit_the_nlb() {
    let d = payments();
    edit(
        d.path(),
        "service.tf",
        "  description       = \"NLB nodes (traffic and health checks)\"\n  ip_protocol       = \"tcp\"\n  from_port         = var.service_port\n  to_port           = var.service_port\n  cidr_ipv4         = var.provider_vpc_cidr",
        "  description       = \"NLB nodes (traffic and health checks)\"\n  ip_protocol       = \"tcp\"\n  from_port         = var.service_port\n  to_port           = var.service_port\n  cidr_ipv4         = var.consumer_vpc_cidr",
    );
    let line = line_of(d.path(), "service.tf", "resource \"aws_security_group\" \"targets\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        ("unreachable".into(), vec![expl("TARGET_SG_DENIES_NLB", "aws_security_group.targets", "service.tf", line)])
    );
    assert!(message(&j, APP, "TARGET_SG_DENIES_NLB").contains("never from the client"));
}

/// The runbook's "consumer not in the allowed-principals list" — which AWS reports at
/// endpoint creation as InvalidServiceName (the service "does not exist" for that principal).
#[test]
fn principal_not_allowed() {
    let d = payments();
    edit(
        d.path(),
        "endpoint_service.tf",
        "principal_arn           = var.consumer_role_arn",
        "principal_arn           = \"arn:aws:iam::222222222222:role/someone-else\"",
    );
    let line = line_of(d.path(), "consumer.tf", "resource \"aws_vpc_endpoint\" \"payments\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        ("unreachable".into(), vec![expl("PRINCIPAL_NOT_ALLOWED", "aws_vpc_endpoint.payments", "consumer.tf", line)])
    );
    let m = message(&j, APP, "PRINCIPAL_NOT_ALLOWED");
    assert!(m.contains("InvalidServiceName: The Vpc Endpoint Service 'com.amazonaws.vpce.us-east-1.vpce-svc-"), "{m}");
    assert!(m.contains("arn:aws:iam::222222222222:role/payments-client, which is not among its allowed principals: arn:aws:iam::222222222222:role/someone-else"), "{m}");
    // Apply refuses at plan time, with AWS's code.
    let r = plcli(d.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("InvalidServiceName"), "{}", r.stderr);
}

/// A service name that exists nowhere is not a principal problem.
#[test]
fn unknown_service_name_is_service_not_found() {
    let d = payments();
    edit(
        d.path(),
        "consumer.tf",
        "service_name        = aws_vpc_endpoint_service.payments.service_name",
        "service_name        = \"com.amazonaws.vpce.us-east-1.vpce-svc-00000000000000000\"",
    );
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP).1[0].0, "SERVICE_NOT_FOUND");
}

/// A listener on another port than the one clients use.
#[test]
fn listener_port_mismatch() {
    let d = payments();
    edit(
        d.path(),
        "service.tf",
        "  load_balancer_arn = aws_lb.payments.arn\n  port              = var.service_port",
        "  load_balancer_arn = aws_lb.payments.arn\n  port              = 443",
    );
    let line = line_of(d.path(), "service.tf", "resource \"aws_lb\" \"payments\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP), ("unreachable".into(), vec![expl("LISTENER_NOT_FOUND", "aws_lb.payments", "service.tf", line)]));
    assert!(message(&j, APP, "LISTENER_NOT_FOUND").contains("no listener on port 8443 (listeners: 443)"));
}

/// "Works in one AZ, fails in another: the provider did not publish in that AZ. AZ names
/// are not consistent across accounts — compare AZ IDs." The consumer's us-east-1b is
/// use1-az6, where the NLB has no subnet: AWS refuses the endpoint.
#[test]
fn endpoint_subnet_in_an_az_the_service_does_not_serve() {
    let d = payments();
    edit(
        d.path(),
        "consumer.tf",
        "    \"us-east-1c\" = \"10.1.1.0/24\" # use1-az1 = provider's us-east-1a\n    \"us-east-1d\" = \"10.1.2.0/24\" # use1-az2 = provider's us-east-1b\n    \"us-east-1a\" = \"10.1.3.0/24\" # use1-az4 = provider's us-east-1c",
        "    \"us-east-1a\" = \"10.1.1.0/24\"\n    \"us-east-1b\" = \"10.1.2.0/24\"\n    \"us-east-1c\" = \"10.1.3.0/24\"",
    );
    // Without the example's safety net (a postcondition on the subnets' AZ IDs).
    let s = std::fs::read_to_string(d.path().join("consumer.tf")).unwrap();
    let i = s.find("  lifecycle {\n    # Fail early").unwrap();
    let j = i + s[i..].find("\n  }\n").unwrap() + 5;
    std::fs::write(d.path().join("consumer.tf"), format!("{}{}", &s[..i], &s[j..])).unwrap();
    let line = line_of(d.path(), "consumer.tf", "resource \"aws_vpc_endpoint\" \"payments\"");
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        ("unreachable".into(), vec![expl("ENDPOINT_AZ_NOT_SERVED", "aws_vpc_endpoint.payments", "consumer.tf", line)])
    );
    let m = message(&j, APP, "ENDPOINT_AZ_NOT_SERVED");
    assert!(m.contains("does not support the availability zone of the subnet"), "{m}");
    assert!(m.contains("is in us-east-1b (use1-az6); the service's NLB is in use1-az1, use1-az2, use1-az4"), "{m}");
}

// ---------------------------------------------------------------- scenarios

#[test]
fn scenarios_turn_reachable_into_partial_or_unreachable() {
    let d = payments();
    std::fs::write(
        d.path().join("what-if.plcli.hcl"),
        "scenario \"all_api_hosts_unhealthy\" {\n  unhealthy_targets = values(aws_lb_target_group_attachment.payments)\n}\n\nscenario \"all_azs_down\" {\n  failed_az_ids = [\"use1-az1\", \"use1-az2\", \"use1-az4\"]\n}\n",
    )
    .unwrap();
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    assert_eq!(verify(d.path(), &[]).0, 0);
    let ep_line = line_of(d.path(), "consumer.tf", "resource \"aws_vpc_endpoint\" \"payments\"");
    let tg_line = line_of(d.path(), "service.tf", "resource \"aws_lb_target_group\" \"payments\"");
    // One AZ down: the ENI and NLB node there; the other two still work.
    let (code, j) = verify(d.path(), &["--scenario", "use1_az2_down"]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP), ("partial".into(), vec![expl("AZ_FAILED", "aws_vpc_endpoint.payments", "consumer.tf", ep_line)]));
    assert!(
        message(&j, APP, "AZ_FAILED").contains("use1-az2") && message(&j, APP, "AZ_FAILED").contains("aws_subnet.consumer[\"us-east-1d\"]")
    );
    // One host unhealthy, cross-zone on: still reachable.
    assert_eq!(verify(d.path(), &["--scenario", "api_host_unhealthy"]).0, 0);
    // Every host unhealthy: unreachable.
    let (code, j) = verify(d.path(), &["--scenario", "all_api_hosts_unhealthy"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        ("unreachable".into(), vec![expl("NO_HEALTHY_TARGETS", "aws_lb_target_group.payments", "service.tf", tg_line)])
    );
    // Every AZ down: one AZ_FAILED per AZ, and nothing else (the targets are down with them).
    let (code, j) = verify(d.path(), &["--scenario", "all_azs_down"]);
    assert_eq!(code, 2);
    let (result, errors) = outcome(&j, APP);
    assert_eq!(result, "unreachable");
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|e| e.0 == "AZ_FAILED"), "{errors:?}");
}

#[test]
fn one_unhealthy_host_with_cross_zone_off_breaks_its_az() {
    let d = payments();
    edit(d.path(), "service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false");
    let tg_line = line_of(d.path(), "service.tf", "resource \"aws_lb_target_group\" \"payments\"");
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    assert_eq!(verify(d.path(), &[]).0, 0);
    let (code, j) = verify(d.path(), &["--scenario", "api_host_unhealthy"]);
    assert_eq!(code, 2);
    assert_eq!(
        outcome(&j, APP),
        ("partial".into(), vec![expl("NO_HEALTHY_TARGETS_IN_AZ", "aws_lb_target_group.payments", "service.tf", tg_line)])
    );
    assert!(message(&j, APP, "NO_HEALTHY_TARGETS_IN_AZ").contains("no healthy target in use1-az1"));
}

// ---------------------------------------------------------------- --planned, exit codes, reports

/// Every file of the root, with its bytes (the .plcli directory included).
fn snapshot_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn planned_writes_nothing() {
    // Never applied: no state, no world, no lock left behind.
    let d = payments();
    let before = snapshot_files(d.path());
    assert_eq!(verify(d.path(), &["--planned"]).0, 0);
    assert_eq!(snapshot_files(d.path()), before);
    // Applied, then changed: the state and the world stay byte-identical.
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    remove_block(d.path(), "consumer.tf", "resource \"aws_vpc_security_group_ingress_rule\" \"endpoint_from_vpc\"");
    let before = snapshot_files(d.path());
    assert!(before.iter().any(|(n, _)| n == "plcli.state.json") && before.iter().any(|(n, _)| n.ends_with("world.json")));
    let (code, j) = verify(d.path(), &["--planned"]);
    assert_eq!(code, 2);
    assert_eq!(outcome(&j, APP).1[0].0, "ENDPOINT_SG_INGRESS_DENIED");
    assert_eq!(snapshot_files(d.path()), before);
    // ...and the applied world still verifies as it is.
    assert_eq!(verify(d.path(), &[]).0, 0);
}

#[test]
fn exit_codes() {
    let d = payments();
    ok(&plcli(d.path(), &["apply", "--auto-approve"]));
    assert_eq!(plcli(d.path(), &["verify"]).code, 0);
    assert_eq!(plcli(d.path(), &["verify", "--path", "app_to_payments"]).code, 0);
    // A path that differs from its expectation: 2.
    edit(d.path(), "simulation.plcli.hcl", "  expect   = \"reachable\"", "  expect   = \"unreachable\"");
    let r = plcli(d.path(), &["verify"]);
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stdout.contains("1 ok, 1 failed"), "{}", r.stdout);
    // Errors: 1.
    let r = plcli(d.path(), &["verify", "--scenario", "nope"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("use1_az2_down"), "lists the scenarios: {}", r.stderr);
    assert_eq!(plcli(d.path(), &["verify", "--path", "nope"]).code, 1);
    std::fs::write(d.path().join("broken.tf"), "resource \"aws_vpc\" {\n").unwrap();
    assert_eq!(plcli(d.path(), &["verify", "--planned"]).code, 1);
}

#[test]
fn reports_of_a_partial_path() {
    let d = one_az_of_targets();
    let text = plcli(d.path(), &["verify", "--planned", "--path", APP]);
    assert_eq!(text.code, 2, "{}", text.transcript());
    insta::assert_snapshot!("partial_text", text.stdout);
    let json = plcli(d.path(), &["verify", "--planned", "--path", APP, "--json"]);
    assert_eq!(json.code, 2, "{}", json.transcript());
    let j: Json = serde_json::from_str(&json.stdout).unwrap();
    insta::assert_json_snapshot!("partial_json", j);
}
