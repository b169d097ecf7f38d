//! The simulated region's rules, end to end: for each rule the smallest configuration that
//! breaks it, the AWS code and message plan predicts, and the file:line of the offending
//! attribute — nothing applied.

mod common;

use common::{plcli, root, Run};

/// A provider account (111111111111) with a 2-AZ NLB and an endpoint service, and a consumer
/// account (222222222222) with a VPC. `extra` is appended.
fn topology(consumer_azs: &str, sim: &str, extra: &str) -> Vec<(&'static str, String)> {
    let main = format!(
        r#"provider "aws" {{
  alias               = "provider"
  allowed_account_ids = ["111111111111"]
}}

provider "aws" {{
  alias               = "consumer"
  allowed_account_ids = ["222222222222"]
}}

resource "aws_vpc" "p" {{
  provider   = aws.provider
  cidr_block = "10.0.0.0/16"
}}

resource "aws_subnet" "p" {{
  provider          = aws.provider
  for_each          = {{ a = 1, b = 2 }}
  vpc_id            = aws_vpc.p.id
  cidr_block        = "10.0.${{each.value}}.0/24"
  availability_zone = "us-east-1${{each.key}}"
}}

resource "aws_lb" "n" {{
  provider           = aws.provider
  name               = "n"
  internal           = true
  load_balancer_type = "network"
  subnets            = [for s in aws_subnet.p : s.id]
}}

resource "aws_vpc_endpoint_service" "s" {{
  provider                   = aws.provider
  acceptance_required        = false
  network_load_balancer_arns = [aws_lb.n.arn]
}}

resource "aws_vpc_endpoint_service_allowed_principal" "c" {{
  provider                = aws.provider
  vpc_endpoint_service_id = aws_vpc_endpoint_service.s.id
  principal_arn           = "arn:aws:iam::222222222222:root"
}}

resource "aws_vpc" "c" {{
  provider             = aws.consumer
  cidr_block           = "10.1.0.0/16"
  enable_dns_hostnames = true
}}

resource "aws_subnet" "c" {{
  provider          = aws.consumer
  for_each          = toset({consumer_azs})
  vpc_id            = aws_vpc.c.id
  cidr_block        = cidrsubnet("10.1.0.0/16", 8, index({consumer_azs}, each.key))
  availability_zone = "us-east-1${{each.key}}"
}}

resource "aws_vpc_endpoint" "e" {{
  provider          = aws.consumer
  vpc_id            = aws_vpc.c.id
  service_name      = aws_vpc_endpoint_service.s.service_name
  vpc_endpoint_type = "Interface"
  subnet_ids        = [for s in aws_subnet.c : s.id]
  depends_on        = [aws_vpc_endpoint_service_allowed_principal.c]
}}
{extra}"#
    );
    vec![("main.tf", main), ("sim.plcli.hcl", sim.to_string())]
}

/// Both accounts map names to the same AZ IDs.
const ALIGNED: &str = r#"simulation {
  account "111111111111" {
    az_ids = { "us-east-1a" = "use1-az1", "us-east-1b" = "use1-az2", "us-east-1c" = "use1-az3" }
  }
  account "222222222222" {
    az_ids = { "us-east-1a" = "use1-az1", "us-east-1b" = "use1-az2", "us-east-1c" = "use1-az3" }
  }
}
"#;

/// Same names, different zones: the consumer's us-east-1b is use1-az3.
const SHIFTED: &str = r#"simulation {
  account "111111111111" {
    az_ids = { "us-east-1a" = "use1-az1", "us-east-1b" = "use1-az2", "us-east-1c" = "use1-az3" }
  }
  account "222222222222" {
    az_ids = { "us-east-1a" = "use1-az1", "us-east-1b" = "use1-az3", "us-east-1c" = "use1-az2" }
  }
}
"#;

/// Plans the files; returns the run with its diagnostics unwrapped onto single lines.
fn plan(files: Vec<(&'static str, String)>) -> Run {
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let d = root(&refs);
    let mut r = plcli(d.path(), &["plan", "--no-color"]);
    assert!(!d.path().join(".plcli/world.json").exists(), "plan must not write the world");
    // miette wraps long messages: join the continuation lines.
    let mut flat = String::new();
    for line in r.stderr.lines() {
        match line.trim_start().strip_prefix("│ ") {
            Some(rest) if !flat.ends_with('\n') => {
                if !flat.ends_with('-') {
                    flat.push(' ');
                }
                flat.push_str(rest);
            }
            _ => {
                flat.push('\n');
                flat.push_str(line);
            }
        }
        if !line.trim_start().starts_with('×') && !line.trim_start().starts_with('│') {
            flat.push('\n');
        }
    }
    r.stderr = flat;
    r
}

/// `main.tf:LINE` of the first line of `text` containing `needle`.
fn at(files: &[(&'static str, String)], needle: &str) -> String {
    let text = &files[0].1;
    let line = text.lines().position(|l| l.contains(needle)).expect("needle in config") + 1;
    format!("main.tf:{line}:")
}

fn refused(r: &Run, code: &str, location: &str) {
    assert_eq!(r.code, 1, "expected a refusal:\n{}", r.transcript());
    assert!(r.stderr.contains(code), "expected {code}:\n{}", r.stderr);
    assert!(r.stderr.contains(location), "expected it at {location}:\n{}", r.stderr);
}

#[test]
fn az_ids_aligned_by_id_succeed_even_when_names_differ() {
    let r = plan(topology(r#"["a", "b"]"#, ALIGNED, ""));
    assert_eq!(r.code, 0, "{}", r.transcript());
}

#[test]
fn same_az_names_in_different_zones_fail_as_aws_does() {
    let files = topology(r#"["a", "b"]"#, SHIFTED, "");
    let loc = at(&files, "subnet_ids        =");
    let r = plan(files);
    refused(&r, "InvalidParameter: The VPC endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-", &loc);
    assert!(r.stderr.contains("does not support the availability zone of the subnet"), "{}", r.stderr);
}

#[test]
fn a_principal_that_is_not_allowed_gets_invalid_service_name() {
    let files: Vec<_> = topology(r#"["a"]"#, ALIGNED, "")
        .into_iter()
        .map(|(n, t)| (n, t.replace("arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root")))
        .collect();
    let loc = at(&files, "service_name      = aws_vpc_endpoint_service.s.service_name");
    let r = plan(files);
    refused(&r, "InvalidServiceName: The Vpc Endpoint Service", &loc);
    assert!(r.stderr.contains("does not exist"));
}

#[test]
fn two_endpoint_subnets_in_one_az() {
    let extra = r#"
resource "aws_subnet" "c2" {
  provider          = aws.consumer
  vpc_id            = aws_vpc.c.id
  cidr_block        = "10.1.9.0/24"
  availability_zone = "us-east-1a"
}
"#;
    let files: Vec<_> = topology(r#"["a"]"#, ALIGNED, extra)
        .into_iter()
        .map(|(n, t)| {
            (
                n,
                t.replace(
                    "subnet_ids        = [for s in aws_subnet.c : s.id]",
                    "subnet_ids        = concat([for s in aws_subnet.c : s.id], [aws_subnet.c2.id])",
                ),
            )
        })
        .collect();
    let loc = at(&files, "subnet_ids        =");
    refused(&plan(files), "DuplicateSubnetsInSameZone", &loc);
}

#[test]
fn subnet_and_vpc_cidr_rules() {
    let bad_vpc = topology(r#"["a"]"#, ALIGNED, "")
        .into_iter()
        .map(|(n, t)| (n, t.replace("cidr_block           = \"10.1.0.0/16\"", "cidr_block           = \"10.0.0.0/8\"")))
        .collect();
    refused(&plan(bad_vpc), "InvalidVpc.Range: The CIDR '10.0.0.0/8' is invalid.", "main.tf:");
    let outside = topology(
        r#"["a"]"#,
        ALIGNED,
        "\nresource \"aws_subnet\" \"x\" {\n  provider   = aws.consumer\n  vpc_id     = aws_vpc.c.id\n  cidr_block = \"10.9.0.0/24\"\n}\n",
    );
    refused(&plan(outside), "InvalidSubnet.Range: The CIDR '10.9.0.0/24' is invalid.", "main.tf:");
    let overlap = topology(
        r#"["a"]"#,
        ALIGNED,
        "\nresource \"aws_subnet\" \"x\" {\n  provider   = aws.consumer\n  vpc_id     = aws_vpc.c.id\n  cidr_block = \"10.1.0.0/25\"\n}\n",
    );
    refused(&plan(overlap), "InvalidSubnet.Conflict", "main.tf:");
    let bad_az = topology(r#"["a", "z"]"#, ALIGNED, "");
    let r = plan(bad_az);
    refused(&r, "InvalidParameterValue: Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b", "main.tf:");
}

#[test]
fn an_nlb_takes_one_subnet_per_az() {
    let files = topology(r#"["a"]"#, ALIGNED, "")
        .into_iter()
        .map(|(n, t)| {
            (
                n,
                t.replace(
                    "availability_zone = \"us-east-1${each.key}\"\n}\n\nresource \"aws_lb\"",
                    "availability_zone = \"us-east-1a\"\n}\n\nresource \"aws_lb\"",
                ),
            )
        })
        .collect();
    refused(
        &plan(files),
        "InvalidConfigurationRequest: A load balancer cannot be attached to multiple subnets in the same Availability Zone",
        "main.tf:",
    );
}

#[test]
fn private_dns_preconditions() {
    // The service offers no private DNS name.
    let files: Vec<(&str, String)> = topology(r#"["a"]"#, ALIGNED, "")
        .into_iter()
        .map(|(n, t)| {
            (
                n,
                t.replace(
                    "  depends_on        = [aws_vpc_endpoint_service_allowed_principal.c]",
                    "  private_dns_enabled = true\n  depends_on        = [aws_vpc_endpoint_service_allowed_principal.c]",
                ),
            )
        })
        .collect();
    refused(&plan(files.clone()), "does not provide a private DNS name", "main.tf:");
    // The VPC does not have DNS hostnames on.
    let off = files.into_iter().map(|(n, t)| (n, t.replace("  enable_dns_hostnames = true\n", ""))).collect();
    refused(
        &plan(off),
        "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true",
        "main.tf:",
    );
}

#[test]
fn quotas_name_their_key_and_value() {
    let sim = ALIGNED.replace("account \"222222222222\" {", "account \"222222222222\" {\n    quotas = { interface_endpoints_per_vpc = 1 }");
    let extra = r#"
resource "aws_vpc_endpoint" "e2" {
  provider          = aws.consumer
  vpc_id            = aws_vpc.c.id
  service_name      = aws_vpc_endpoint_service.s.service_name
  vpc_endpoint_type = "Interface"
  subnet_ids        = [for s in aws_subnet.c : s.id]
  depends_on        = [aws_vpc_endpoint.e]
}
"#;
    let r = plan(topology(r#"["a"]"#, &sim, extra));
    refused(&r, "VpcEndpointLimitExceeded", "main.tf:");
    assert!(r.stderr.contains("interface_endpoints_per_vpc = 1"), "{}", r.stderr);
}

#[test]
fn a_world_that_maps_an_account_differently_is_an_error() {
    let d = root(&[("main.tf", "provider \"aws\" {\n  allowed_account_ids = [\"222222222222\"]\n}\n\nresource \"aws_vpc\" \"c\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n"), ("sim.plcli.hcl", ALIGNED)]);
    assert_eq!(plcli(d.path(), &["apply", "--auto-approve"]).code, 0);
    std::fs::write(d.path().join("sim.plcli.hcl"), SHIFTED).unwrap();
    let r = plcli(d.path(), &["plan", "--no-color"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("Account 222222222222 is mapped differently in the world"), "{}", r.stderr);
}

#[test]
fn nlb_security_groups_zero_to_some_replaces_some_to_more_updates() {
    let base = r#"resource "aws_vpc" "p" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "p" {
  vpc_id            = aws_vpc.p.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "a" {
  vpc_id = aws_vpc.p.id
}

resource "aws_security_group" "b" {
  vpc_id = aws_vpc.p.id
}

resource "aws_lb" "n" {
  name               = "n"
  internal           = true
  load_balancer_type = "network"
  subnets            = [aws_subnet.p.id]
  SGS
}
"#;
    let d = root(&[("main.tf", &base.replace("SGS", ""))]);
    assert_eq!(plcli(d.path(), &["apply", "--auto-approve"]).code, 0);
    let actions = |d: &std::path::Path| -> String {
        let r = plcli(d, &["plan", "--json"]);
        assert_eq!(r.code, 0, "{}", r.transcript());
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let c = j["resource_changes"].as_array().unwrap().iter().find(|c| c["address"] == "aws_lb.n").unwrap().clone();
        format!("{} {}", c["change"]["actions"], c["change"]["replace_paths"])
    };
    std::fs::write(d.path().join("main.tf"), base.replace("SGS", "security_groups    = [aws_security_group.a.id]")).unwrap();
    assert_eq!(actions(d.path()), "[\"delete\",\"create\"] [[\"security_groups\"]]");
    assert_eq!(plcli(d.path(), &["apply", "--auto-approve"]).code, 0);
    std::fs::write(
        d.path().join("main.tf"),
        base.replace("SGS", "security_groups    = [aws_security_group.a.id, aws_security_group.b.id]"),
    )
    .unwrap();
    assert_eq!(actions(d.path()), "[\"update\"] null");
}
