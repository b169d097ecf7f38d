//! `plcli cloud` (SPEC §8): the runbook's calls against an applied copy of
//! examples/payments — describe the service, its connections and the endpoint, dig the names
//! from both VPCs, accept and reject (and see the change as drift), events, --query,
//! --filters, and the calls a consumer may not make.

mod common;

use std::path::Path;

use common::{copy_dir, plcli, repo, Run};
use serde_json::{json, Value as Json};

const PROVIDER: &str = "111111111111";
const CONSUMER: &str = "arn:aws:iam::222222222222:role/payments-client";

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.transcript());
}

fn json(r: &Run) -> Json {
    ok(r);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", r.transcript()))
}

/// examples/payments, copied and applied; with its IDs.
struct Applied {
    dir: tempfile::TempDir,
    service: String,
    endpoint: String,
    consumer_vpc: String,
    provider_vpc: String,
}

impl Applied {
    fn new() -> Applied {
        Applied::with(|_| {})
    }

    /// Copies the example, lets `change` edit it, applies it.
    fn with(change: impl FnOnce(&Path)) -> Applied {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("examples/payments"), dir.path());
        change(dir.path());
        ok(&plcli(dir.path(), &["apply", "--auto-approve"]));
        let out = |n: &str| {
            let r = plcli(dir.path(), &["output", "--raw", n]);
            ok(&r);
            r.stdout.trim().to_string()
        };
        let (service, endpoint, consumer_vpc) = (out("service_id"), out("endpoint_id"), out("consumer_vpc_id"));
        let provider_vpc = state_id(dir.path(), "aws_vpc", "provider");
        Applied { dir, service, endpoint, consumer_vpc, provider_vpc }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `plcli cloud ARGS`.
    fn cloud(&self, args: &[&str]) -> Run {
        let mut a = vec!["cloud"];
        a.extend_from_slice(args);
        plcli(self.path(), &a)
    }

    fn world(&self) -> Vec<u8> {
        std::fs::read(self.path().join(".plcli/world.json")).unwrap()
    }
}

/// The cloud ID of a resource instance in the state file.
fn state_id(dir: &Path, ty: &str, name: &str) -> String {
    let st: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("plcli.state.json")).unwrap()).unwrap();
    st["resources"].as_array().unwrap().iter().find(|r| r["type"] == ty && r["name"] == name).unwrap()["instances"][0]["attributes"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Replaces IDs with stable placeholders (IDs are deterministic, but a placeholder says
/// what the snapshot checks: the shape).
fn ids(s: &str, a: &Applied) -> String {
    s.replace(&a.service, "<service>")
        .replace(&a.endpoint, "<endpoint>")
        .replace(&a.consumer_vpc, "<consumer-vpc>")
        .replace(&a.provider_vpc, "<provider-vpc>")
}

#[test]
fn provider_describes_its_service_the_runbook_way() {
    let a = Applied::new();
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", &a.service, "--as", PROVIDER]);
    ok(&r);
    insta::assert_snapshot!(ids(&r.stdout, &a));
    // Verify, step 1: service exists, NLB attached, DNS verified (the runbook's --query).
    let q = "ServiceConfigurations[0].[ServiceState,PrivateDnsNameConfiguration.State,AvailabilityZones]";
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", &a.service, "--query", q, "--as", PROVIDER]);
    assert_eq!(json(&r), json!(["Available", "verified", ["us-east-1a", "us-east-1b", "us-east-1c"]]));
    // Step 5: the TXT record's name and value, as the runbook fetches them.
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-service-configurations",
        "--query",
        "ServiceConfigurations[0].PrivateDnsNameConfiguration",
        "--as",
        PROVIDER,
    ]);
    let cfg = json(&r);
    assert_eq!(cfg["Type"], "TXT");
    assert!(cfg["Name"].as_str().unwrap().starts_with('_') && cfg["Value"].as_str().unwrap().starts_with("vpce:"), "{cfg}");
    // The allow-list: the consumer's role, not its account.
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-service-permissions",
        "--service-id",
        &a.service,
        "--as",
        PROVIDER,
        "--query",
        "AllowedPrincipals[].[PrincipalType,Principal]",
    ]);
    assert_eq!(json(&r), json!([["Role", CONSUMER]]));
}

#[test]
fn connections_filters_and_output_formats() {
    let a = Applied::new();
    // Verify, step 2 (--filters and --query as in the runbook).
    let filter = format!("Name=service-id,Values={}", a.service);
    let q = "VpcEndpointConnections[].[VpcEndpointOwner,VpcEndpointState]";
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--filters", &filter, "--query", q, "--as", PROVIDER]);
    assert_eq!(json(&r), json!([["222222222222", "available"]]));
    // --service-id is the shorthand; connections carry the endpoint's DNS names and the NLB.
    let r = json(&a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--service-id", &a.service, "--as", PROVIDER]));
    let c = &r["VpcEndpointConnections"][0];
    assert_eq!(c["VpcEndpointId"], a.endpoint.as_str());
    assert_eq!(c["ServiceId"], a.service.as_str());
    assert!(c["NetworkLoadBalancerArns"][0].as_str().unwrap().contains(":loadbalancer/net/payments-nlb/"), "{c}");
    assert_eq!(c["DnsEntries"].as_array().unwrap().len(), 5, "regional, three zonal, private: {c}");
    // The runbook's pending filter: nothing pending once the accepter ran.
    let pending = "VpcEndpointConnections[?VpcEndpointState==`pendingAcceptance`].[VpcEndpointId,VpcEndpointOwner]";
    assert_eq!(
        json(&a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--service-id", &a.service, "--query", pending, "--as", PROVIDER])),
        json!([])
    );
    // Several filters, several values, wildcards, the JSON form.
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-connections",
        "--filters",
        "Name=vpc-endpoint-state,Values=rejected,available",
        "Name=vpc-endpoint-id,Values=vpce-*",
        "--query",
        "length(VpcEndpointConnections)",
        "--as",
        PROVIDER,
    ]);
    assert_eq!(json(&r), json!(1));
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-connections",
        "--filters",
        r#"[{"Name": "vpc-endpoint-state", "Values": ["rejected"]}]"#,
        "--as",
        PROVIDER,
    ]);
    assert_eq!(json(&r), json!({"VpcEndpointConnections": []}));
    // Text and table output, as the AWS CLI's --output.
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--query",
        q,
        "--output",
        "text",
        "--as",
        PROVIDER,
    ]);
    ok(&r);
    assert_eq!(r.stdout, "222222222222\tavailable\n");
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--query",
        q,
        "--output",
        "table",
        "--as",
        PROVIDER,
    ]);
    ok(&r);
    insta::assert_snapshot!(r.stdout);
    // An unknown filter name, a malformed filter, a bad --query: errors, exit 1.
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--filters", "Name=color,Values=red", "--as", PROVIDER]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("InvalidParameterValue") && r.stderr.contains("The filter 'color' is invalid"), "{}", r.stderr);
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--filters", "service-id=x", "--as", PROVIDER]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--query", "VpcEndpointConnections[", "--as", PROVIDER]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("--query"), "{}", r.stderr);
}

#[test]
fn consumer_sees_the_service_and_its_endpoint_in_its_own_az_names() {
    let a = Applied::new();
    // The provider's us-east-1a/b/c are the consumer's us-east-1c/d/a (simulation.plcli.hcl).
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-services", "--as", CONSUMER]);
    let j = json(&r);
    let name = format!("com.amazonaws.vpce.us-east-1.{}", a.service);
    assert_eq!(j["ServiceNames"], json!([name]));
    let d = &j["ServiceDetails"][0];
    assert_eq!(d["AvailabilityZones"], json!(["us-east-1a", "us-east-1c", "us-east-1d"]));
    assert_eq!(d["AvailabilityZoneIds"], json!(["use1-az4", "use1-az1", "use1-az2"]));
    assert_eq!(d["Owner"], PROVIDER);
    assert_eq!(d["PrivateDnsName"], "payments.example.com");
    assert_eq!(d["PrivateDnsNameVerificationState"], "verified");
    assert_eq!(d["AcceptanceRequired"], true);
    // Another role of the same account is not on the allow-list: AWS hides the service.
    let other = "arn:aws:iam::222222222222:role/someone-else";
    assert_eq!(
        json(&a.cloud(&["ec2", "describe-vpc-endpoint-services", "--as", other])),
        json!({"ServiceNames": [], "ServiceDetails": []})
    );
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-services", "--service-names", &name, "--as", other]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("InvalidServiceName") && r.stderr.contains("does not exist"), "{}", r.stderr);
    // The caller's AZ names and IDs.
    let r = a.cloud(&["ec2", "describe-availability-zones", "--as", "222222222222", "--query", "AvailabilityZones[].[ZoneName,ZoneId]"]);
    assert_eq!(json(&r)[0], json!(["us-east-1a", "use1-az4"]));
    let r = a.cloud(&[
        "ec2",
        "describe-availability-zones",
        "--as",
        PROVIDER,
        "--filters",
        "Name=zone-id,Values=use1-az4",
        "--query",
        "AvailabilityZones[].ZoneName",
    ]);
    assert_eq!(json(&r), json!(["us-east-1c"]));
    // Verify, step 3: the endpoint is available with an ENI per AZ (--as a provider of the root).
    let r = a.cloud(&["ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", &a.endpoint, "--as", "aws.consumer"]);
    ok(&r);
    insta::assert_snapshot!(ids(&r.stdout, &a));
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoints",
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--query",
        "VpcEndpoints[0].[State,length(NetworkInterfaceIds),DnsEntries[0].DnsName]",
        "--as",
        CONSUMER,
    ]);
    let j = json(&r);
    assert_eq!(j[0], "available");
    assert_eq!(j[1], 3);
    assert!(j[2].as_str().unwrap().starts_with(&format!("{}-", a.endpoint)), "{j}");
    // Filters: by VPC and state; a VPC that is not there.
    let vpc = format!("Name=vpc-id,Values={}", a.consumer_vpc);
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoints",
        "--filters",
        &vpc,
        "Name=vpc-endpoint-state,Values=available",
        "--query",
        "VpcEndpoints[].VpcEndpointId",
        "--as",
        CONSUMER,
    ]);
    assert_eq!(json(&r), json!([a.endpoint]));
    let r = a.cloud(&["ec2", "describe-vpc-endpoints", "--filters", "Name=vpc-id,Values=vpc-00000000000000000", "--as", CONSUMER]);
    assert_eq!(json(&r), json!({"VpcEndpoints": []}));
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoints",
        "--filters",
        "Name=tag:Side,Values=consumer",
        "--query",
        "length(VpcEndpoints)",
        "--as",
        CONSUMER,
    ]);
    assert_eq!(json(&r), json!(1));
    // Endpoints are the consumer's: the provider does not see them.
    let r = a.cloud(&["ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", &a.endpoint, "--as", PROVIDER]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("InvalidVpcEndpointId.NotFound"), "{}", r.stderr);
}

#[test]
fn dig_the_private_dns_name_from_both_vpcs() {
    let a = Applied::new();
    // From the consumer VPC: the endpoint's private DNS answers with its three ENI addresses.
    let r = a.cloud(&["dns", "resolve", "payments.example.com", "--vpc", &a.consumer_vpc, "--as", CONSUMER]);
    let j = json(&r);
    assert_eq!(j["Name"], "payments.example.com");
    assert_eq!(j["VpcId"], a.consumer_vpc.as_str());
    assert_eq!(j["Type"], "A");
    assert_eq!(j["AnsweredBy"], "endpoint-private-dns");
    let answers = j["Answers"].as_array().unwrap();
    assert_eq!(answers.len(), 3, "{j}");
    for ans in answers {
        assert_eq!(ans["Type"], "A");
        assert!(ans["Value"].as_str().unwrap().starts_with("10.1."), "a consumer-subnet address: {j}");
        assert!(ans["Ttl"].as_u64().is_some());
    }
    // From the provider VPC (no endpoint there): nothing, like dig, and exit 0.
    let r = a.cloud(&["dns", "resolve", "payments.example.com", "--vpc", &a.provider_vpc, "--as", PROVIDER]);
    assert_eq!(json(&r), json!({"Name": "payments.example.com", "VpcId": a.provider_vpc, "Type": "A", "Answers": [], "AnsweredBy": null}));
    assert!(r.stderr.contains("has no endpoint to it"), "a hint on stderr: {}", r.stderr);
    // The regional and a zonal name answer from public DNS.
    let dns: Vec<String> = serde_json::from_value(json(&a.cloud(&[
        "ec2",
        "describe-vpc-endpoints",
        "--query",
        "VpcEndpoints[0].DnsEntries[].DnsName",
        "--as",
        CONSUMER,
    ])))
    .unwrap();
    let r = json(&a.cloud(&["dns", "resolve", &dns[0], "--vpc", &a.consumer_vpc, "--as", CONSUMER]));
    assert_eq!(r["AnsweredBy"], "endpoint-regional");
    assert_eq!(r["Answers"].as_array().unwrap().len(), 3);
    let r = json(&a.cloud(&["dns", "resolve", &dns[1], "--vpc", &a.consumer_vpc, "--as", CONSUMER]));
    assert_eq!(r["AnsweredBy"], "endpoint-zonal");
    assert_eq!(r["Answers"].as_array().unwrap().len(), 1);
    // The verification TXT record is public: the provider VPC sees it; in the consumer VPC
    // the endpoint's managed zone for payments.example.com shadows everything under it.
    let label = json(&a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-service-configurations",
        "--query",
        "ServiceConfigurations[0].PrivateDnsNameConfiguration.Name",
        "--as",
        PROVIDER,
    ]));
    let txt = format!("{}.payments.example.com", label.as_str().unwrap());
    let r = json(&a.cloud(&["dns", "resolve", &txt, "--type", "TXT", "--vpc", &a.provider_vpc, "--as", PROVIDER]));
    assert!(r["AnsweredBy"].as_str().unwrap().starts_with("public-zone:Z"), "{r}");
    assert_eq!(r["Answers"][0]["Ttl"], 1800);
    assert!(r["Answers"][0]["Value"].as_str().unwrap().starts_with("\"vpce:"), "{r}");
    let r = json(&a.cloud(&["dns", "resolve", &txt, "--type", "txt", "--vpc", &a.consumer_vpc, "--as", CONSUMER]));
    assert_eq!(r["Answers"], json!([]));
    assert_eq!(r["Type"], "TXT");
    // A VPC of another account is not the caller's to query.
    let r = a.cloud(&["dns", "resolve", "payments.example.com", "--vpc", &a.consumer_vpc, "--as", PROVIDER]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("InvalidVpcID.NotFound"), "{}", r.stderr);
}

#[test]
fn reject_shows_as_drift_on_the_next_plan() {
    let a = Applied::new();
    let r = a.cloud(&[
        "ec2",
        "reject-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--as",
        PROVIDER,
    ]);
    assert_eq!(json(&r), json!({"Unsuccessful": []}));
    // Both sides see it.
    let r = a.cloud(&["ec2", "describe-vpc-endpoints", "--query", "VpcEndpoints[0].State", "--as", CONSUMER]);
    assert_eq!(json(&r), json!("rejected"));
    let r =
        a.cloud(&["ec2", "describe-vpc-endpoint-connections", "--query", "VpcEndpointConnections[0].VpcEndpointState", "--as", PROVIDER]);
    assert_eq!(json(&r), json!("rejected"));
    // Refresh reads the endpoint and the accepter back: drift, and the output follows.
    let plan = plcli(a.path(), &["plan", "--json"]);
    let j = json(&plan);
    let drift: Vec<(&str, &str)> = j["resource_drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["address"].as_str().unwrap(),
                d["change"]["after"]["state"].as_str().or(d["change"]["after"]["vpc_endpoint_state"].as_str()).unwrap(),
            )
        })
        .collect();
    assert_eq!(drift, vec![("aws_vpc_endpoint.payments", "rejected"), ("aws_vpc_endpoint_connection_accepter.payments", "rejected")]);
    let text = plcli(a.path(), &["plan"]);
    ok(&text);
    assert!(text.stdout.contains("Objects have changed outside of plcli"), "{}", text.stdout);
    assert!(text.stdout.contains("~ state = \"available\" -> \"rejected\""), "{}", text.stdout);
    assert!(text.stdout.contains("~ endpoint_state = \"available\" -> \"rejected\""), "{}", text.stdout);
    // And verify says why the consumer cannot connect any more.
    let v = plcli(a.path(), &["verify", "--json"]);
    assert_eq!(v.code, 2, "{}", v.transcript());
    let vj: Json = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(vj["paths"][0]["explanations"][0]["code"], "ENDPOINT_REJECTED");
    // A rejected connection cannot be accepted again; unknown endpoints fail per item.
    let r = a.cloud(&[
        "ec2",
        "accept-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "vpce-00000000000000000",
        "bogus",
        "--as",
        PROVIDER,
    ]);
    let j = json(&r);
    let codes: Vec<(String, String)> = j["Unsuccessful"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["ResourceId"].as_str().unwrap().to_string(), u["Error"]["Code"].as_str().unwrap().to_string()))
        .collect();
    let want = [
        (a.endpoint.as_str(), "InvalidState"),
        ("vpce-00000000000000000", "InvalidVpcEndpointId.NotFound"),
        ("bogus", "InvalidVpcEndpointId.Malformed"),
    ];
    assert_eq!(codes, want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec());
}

/// examples/payments without the accepter: the connection waits for the provider.
fn without_accepter(dir: &Path) {
    let p = dir.join("endpoint_service.tf");
    let s = std::fs::read_to_string(&p).unwrap();
    let i = s.find("resource \"aws_vpc_endpoint_connection_accepter\"").unwrap();
    std::fs::write(&p, &s[..i]).unwrap();
    let p = dir.join("outputs.tf");
    let s = std::fs::read_to_string(&p).unwrap();
    let i = s.find("output \"endpoint_state\"").unwrap();
    let j = i + s[i..].find("\n}\n").unwrap() + 3;
    std::fs::write(&p, format!("{}{}", &s[..i], &s[j..])).unwrap();
}

#[test]
fn accepting_a_pending_connection_the_runbook_way() {
    let a = Applied::with(without_accepter);
    let pending = "VpcEndpointConnections[?VpcEndpointState==`pendingAcceptance`].[VpcEndpointId,VpcEndpointOwner]";
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-connections",
        "--filters",
        &format!("Name=service-id,Values={}", a.service),
        "--query",
        pending,
        "--as",
        PROVIDER,
    ]);
    assert_eq!(json(&r), json!([[a.endpoint, "222222222222"]]));
    assert_eq!(plcli(a.path(), &["verify"]).code, 2);
    let r = a.cloud(&[
        "ec2",
        "accept-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--as",
        PROVIDER,
    ]);
    assert_eq!(json(&r), json!({"Unsuccessful": []}));
    let v = plcli(a.path(), &["verify"]);
    assert_eq!(v.code, 0, "{}", v.transcript());
    // The endpoint's state is the world's: the consumer's root sees the change as drift.
    let j = json(&plcli(a.path(), &["plan", "--json"]));
    assert_eq!(j["resource_drift"][0]["address"], "aws_vpc_endpoint.payments");
    assert_eq!(j["resource_drift"][0]["change"]["after"]["state"], "available");
}

#[test]
fn events_are_the_connection_notifications_in_order() {
    let a = Applied::with(without_accepter);
    let q = "Events[].[Sequence,EventType,VpcEndpointId,VpcEndpointOwner,Principal]";
    let r = a.cloud(&["events", "--service-id", &a.service, "--query", q, "--as", PROVIDER]);
    assert_eq!(json(&r), json!([[1, "Connect", a.endpoint, "222222222222", CONSUMER]]));
    ok(&a.cloud(&[
        "ec2",
        "accept-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--as",
        PROVIDER,
    ]));
    ok(&a.cloud(&[
        "ec2",
        "reject-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--as",
        PROVIDER,
    ]));
    // Rejecting twice changes nothing and notifies nobody.
    ok(&a.cloud(&[
        "ec2",
        "reject-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--as",
        PROVIDER,
    ]));
    ok(&plcli(a.path(), &["destroy", "--auto-approve"]));
    let r = a.cloud(&["events", "--as", PROVIDER, "--query", "Events[].[Sequence,EventType]"]);
    assert_eq!(json(&r), json!([[1, "Connect"], [2, "Accept"], [3, "Reject"], [4, "Delete"]]));
    // The consumer sees the events of its own endpoint; another account sees none.
    let r = a.cloud(&["events", "--as", "222222222222", "--query", "length(Events)"]);
    assert_eq!(json(&r), json!(4));
    let r = a.cloud(&["events", "--as", "333333333333"]);
    assert_eq!(json(&r), json!({"Events": []}));
}

#[test]
fn a_consumer_may_not_make_provider_calls() {
    let a = Applied::new();
    let before = a.world();
    for (args, code) in [
        (
            vec!["ec2", "accept-vpc-endpoint-connections", "--service-id", &a.service, "--vpc-endpoint-ids", &a.endpoint],
            "UnauthorizedOperation",
        ),
        (
            vec!["ec2", "reject-vpc-endpoint-connections", "--service-id", &a.service, "--vpc-endpoint-ids", &a.endpoint],
            "UnauthorizedOperation",
        ),
        (vec!["ec2", "start-vpc-endpoint-service-private-dns-verification", "--service-id", &a.service], "UnauthorizedOperation"),
        // Describe calls are not resource-scoped: another account's service is just not there.
        (vec!["ec2", "describe-vpc-endpoint-service-permissions", "--service-id", &a.service], "InvalidVpcEndpointServiceId.NotFound"),
        (vec!["ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", &a.service], "InvalidVpcEndpointServiceId.NotFound"),
        (
            vec!["ec2", "accept-vpc-endpoint-connections", "--service-id", "vpce-svc-00000000000000000", "--vpc-endpoint-ids", &a.endpoint],
            "InvalidVpcEndpointServiceId.NotFound",
        ),
        (
            vec!["ec2", "accept-vpc-endpoint-connections", "--service-id", "svc-1", "--vpc-endpoint-ids", &a.endpoint],
            "InvalidVpcEndpointServiceId.Malformed",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--as", CONSUMER]);
        let r = a.cloud(&args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.transcript());
        assert!(r.stdout.is_empty(), "{}", r.transcript());
        assert!(r.stderr.contains(&format!("An error occurred ({code}) when calling the ")), "{args:?}: {}", r.stderr);
    }
    let r = a.cloud(&[
        "ec2",
        "accept-vpc-endpoint-connections",
        "--service-id",
        &a.service,
        "--vpc-endpoint-ids",
        &a.endpoint,
        "--as",
        CONSUMER,
    ]);
    assert!(r.stderr.contains(&format!("{CONSUMER} is not authorized to perform: ec2:AcceptVpcEndpointConnections on resource: arn:aws:ec2:us-east-1:111111111111:vpc-endpoint-service/{}", a.service)), "{}", r.stderr);
    assert_eq!(a.world(), before, "a refused call changes nothing");
    // The provider may; re-verifying a verified name keeps it verified.
    let r = a.cloud(&["ec2", "start-vpc-endpoint-service-private-dns-verification", "--service-id", &a.service, "--as", PROVIDER]);
    assert_eq!(json(&r), json!({"ReturnValue": true}));
    let r = a.cloud(&[
        "ec2",
        "describe-vpc-endpoint-service-configurations",
        "--query",
        "ServiceConfigurations[0].PrivateDnsNameConfiguration.State",
        "--as",
        PROVIDER,
    ]);
    assert_eq!(json(&r), json!("verified"));
}

#[test]
fn the_default_caller_is_the_roots_default_provider() {
    let a = Applied::new();
    // payments has only aliased providers: the implicit default is the simulation's default
    // account (123456789012), which owns nothing.
    assert_eq!(json(&a.cloud(&["ec2", "describe-vpc-endpoint-service-configurations"])), json!({"ServiceConfigurations": []}));
    // A default provider in the provider's account makes it the caller.
    std::fs::write(a.path().join("default_provider.tf"), "provider \"aws\" {\n  allowed_account_ids = [\"111111111111\"]\n}\n").unwrap();
    let r = a.cloud(&["ec2", "describe-vpc-endpoint-service-configurations", "--query", "ServiceConfigurations[].ServiceId"]);
    assert_eq!(json(&r), json!([a.service]));
    // --as takes an account, an ARN, an assumed-role session, or a provider of the root.
    for who in ["222222222222", CONSUMER, "arn:aws:sts::222222222222:assumed-role/payments-client/session", "aws.consumer", "consumer"] {
        let r = a.cloud(&["ec2", "describe-vpc-endpoints", "--query", "length(VpcEndpoints)", "--as", who]);
        assert_eq!(json(&r), json!(1), "{who}");
    }
    let r = a.cloud(&["ec2", "describe-vpc-endpoints", "--as", "nobody"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert!(r.stderr.contains("aws.consumer"), "lists the root's providers: {}", r.stderr);
}

#[test]
fn a_world_shared_with_another_root_needs_no_configuration() {
    let a = Applied::new();
    let empty = tempfile::tempdir().unwrap();
    let world = a.path().join(".plcli/world.json");
    let r = plcli(
        empty.path(),
        &[
            "cloud",
            "--world",
            world.to_str().unwrap(),
            "ec2",
            "describe-vpc-endpoint-connections",
            "--as",
            PROVIDER,
            "--query",
            "VpcEndpointConnections[].VpcEndpointId",
        ],
    );
    assert_eq!(json(&r), json!([a.endpoint]));
}
