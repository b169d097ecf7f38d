//! Every rule: a configuration that triggers it (at an exact place) and a near-identical one
//! that does not. Each starts from tests/fixtures/base, which lints clean.

mod common;

use common::{at, base, f, findings, messages, with};

fn none() -> Vec<common::Found> {
    Vec::new()
}

#[test]
fn base_topology_is_clean() {
    let files = base(&[]);
    assert_eq!(findings(&files), none(), "{:#?}", messages(&files));
}

#[test]
fn pl001_open_service() {
    let open = base(&[
        ("service.tf", "acceptance_required        = true", "acceptance_required        = false"),
        ("service.tf", "principal_arn           = \"arn:aws:iam::222222222222:role/api-client\"", "principal_arn           = \"*\""),
    ]);
    assert_eq!(findings(&open), vec![f("PL001", at(&open, "service.tf", "acceptance_required        = false"))], "{:#?}", messages(&open));
    // "*" with acceptance required keeps a gate.
    let gated = base(&[(
        "service.tf",
        "principal_arn           = \"arn:aws:iam::222222222222:role/api-client\"",
        "principal_arn           = \"*\"",
    )]);
    assert_eq!(findings(&gated), none(), "{:#?}", messages(&gated));
}

#[test]
fn pl002_principal_account_root() {
    let root = base(&[("service.tf", "role/api-client\"\n}", "root\"\n}")]);
    assert_eq!(findings(&root), vec![f("PL002", at(&root, "service.tf", "principal_arn           = \"arn:aws:iam::222222222222:root\""))]);
    assert!(messages(&root)[0].contains("arn:aws:iam::222222222222:root"));
    // Inline, through a for expression over account IDs.
    let inline = base(&[
        ("service.tf", "role/api-client\"\n}", "role/api-client\"\n}\n\nlocals {\n  accounts = [\"333333333333\"]\n}\n"),
        ("service.tf", "  private_dns_name           = \"api.example.com\"\n", "  private_dns_name           = \"api.example.com\"\n  allowed_principals         = [for a in local.accounts : \"arn:aws:iam::${a}:root\"]\n"),
    ]);
    assert_eq!(findings(&inline), vec![f("PL002", at(&inline, "service.tf", "allowed_principals         = [for"))]);
}

#[test]
fn pl003_endpoint_az_not_served() {
    // The consumer reuses the provider's AZ names: in account 222222222222 they are
    // use1-az1/az2, while the service is in use1-az4/az5.
    let names = base(&[
        (
            "consumer.tf",
            "{ \"use1-az4\" = \"10.1.1.0/24\", \"use1-az5\" = \"10.1.2.0/24\" }",
            "{ \"us-east-1a\" = \"10.1.1.0/24\", \"us-east-1b\" = \"10.1.2.0/24\" }",
        ),
        ("consumer.tf", "availability_zone_id = each.key", "availability_zone    = each.key"),
    ]);
    let loc = at(&names, "consumer.tf", "subnet_ids          =");
    assert_eq!(findings(&names), vec![f("PL003", loc.clone()), f("PL003", loc)]);
    let msgs = messages(&names);
    assert!(msgs[0].contains("us-east-1a (use1-az1) in account 222222222222"), "{msgs:#?}");
    assert!(msgs[0].contains("us-east-1a (use1-az4), us-east-1b (use1-az5) in account 111111111111"), "{msgs:#?}");
    // The consumer's own names for the service's zones.
    let aligned = base(&[
        (
            "consumer.tf",
            "{ \"use1-az4\" = \"10.1.1.0/24\", \"use1-az5\" = \"10.1.2.0/24\" }",
            "{ \"us-east-1d\" = \"10.1.1.0/24\", \"us-east-1e\" = \"10.1.2.0/24\" }",
        ),
        ("consumer.tf", "availability_zone_id = each.key", "availability_zone    = each.key"),
    ]);
    assert_eq!(findings(&aligned), none(), "{:#?}", messages(&aligned));
}

#[test]
fn pl003_follows_simulation_az_ids_and_subnet_associations() {
    // Pinning the consumer's map makes its us-east-1a the service's use1-az4.
    let sim = "simulation {\n  account \"222222222222\" {\n    az_ids = { \"us-east-1a\" = \"use1-az4\", \"us-east-1b\" = \"use1-az5\", \"us-east-1c\" = \"use1-az1\" }\n  }\n}\n";
    let pinned = with(
        base(&[
            (
                "consumer.tf",
                "{ \"use1-az4\" = \"10.1.1.0/24\", \"use1-az5\" = \"10.1.2.0/24\" }",
                "{ \"us-east-1a\" = \"10.1.1.0/24\", \"us-east-1b\" = \"10.1.2.0/24\" }",
            ),
            ("consumer.tf", "availability_zone_id = each.key", "availability_zone    = each.key"),
        ]),
        "simulation.plcli.hcl",
        sim,
    );
    assert_eq!(findings(&pinned), none(), "{:#?}", messages(&pinned));
    // A subnet association adds an unserved subnet (us-east-1c is use1-az1 there).
    let assoc = with(
        pinned.clone(),
        "consumer.tf",
        "\nresource \"aws_subnet\" \"extra\" {\n  provider          = aws.consumer\n  vpc_id            = aws_vpc.app.id\n  availability_zone = \"us-east-1c\"\n  cidr_block        = \"10.1.9.0/24\"\n}\n\nresource \"aws_vpc_endpoint_subnet_association\" \"extra\" {\n  provider        = aws.consumer\n  vpc_endpoint_id = aws_vpc_endpoint.api.id\n  subnet_id       = aws_subnet.extra.id\n}\n",
    );
    assert_eq!(findings(&assoc), vec![f("PL003", at(&assoc, "consumer.tf", "subnet_id       = aws_subnet.extra.id"))]);
}

#[test]
fn pl004_nlb_cross_zone_disabled() {
    let off = base(&[("service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false")]);
    assert_eq!(findings(&off), vec![f("PL004", at(&off, "service.tf", "enable_cross_zone_load_balancing = false"))]);
    // Unset is AWS's default (off): the finding points at the load balancer.
    let unset = base(&[("service.tf", "  enable_cross_zone_load_balancing = true\n", "")]);
    assert_eq!(findings(&unset), vec![f("PL004", at(&unset, "service.tf", "resource \"aws_lb\" \"api\""))]);
    // Cross-zone on in the target group the listener forwards to.
    let tg = base(&[
        ("service.tf", "enable_cross_zone_load_balancing = true", "enable_cross_zone_load_balancing = false"),
        (
            "service.tf",
            "  protocol = \"TCP\"\n  vpc_id   = aws_vpc.svc.id\n",
            "  protocol = \"TCP\"\n  vpc_id   = aws_vpc.svc.id\n\n  load_balancing_cross_zone_enabled = \"true\"\n",
        ),
    ]);
    assert_eq!(findings(&tg), none(), "{:#?}", messages(&tg));
}

#[test]
fn pl005_service_single_az() {
    let one = base(&[
        ("service.tf", "{ \"us-east-1a\" = \"10.0.1.0/24\", \"us-east-1b\" = \"10.0.2.0/24\" }", "{ \"us-east-1a\" = \"10.0.1.0/24\" }"),
        ("consumer.tf", "{ \"use1-az4\" = \"10.1.1.0/24\", \"use1-az5\" = \"10.1.2.0/24\" }", "{ \"use1-az4\" = \"10.1.1.0/24\" }"),
    ]);
    assert_eq!(findings(&one), vec![f("PL005", at(&one, "service.tf", "subnets                          ="))]);
    assert!(messages(&one)[0].contains("only 1 AZ (us-east-1a (use1-az4)"), "{:#?}", messages(&one));
    let two = base(&[(
        "consumer.tf",
        "{ \"use1-az4\" = \"10.1.1.0/24\", \"use1-az5\" = \"10.1.2.0/24\" }",
        "{ \"use1-az4\" = \"10.1.1.0/24\" }",
    )]);
    assert_eq!(findings(&two), none(), "{:#?}", messages(&two));
}

#[test]
fn pl006_nlb_not_internal() {
    let public = base(&[("service.tf", "internal                         = true", "internal                         = false")]);
    assert_eq!(findings(&public), vec![f("PL006", at(&public, "service.tf", "internal                         = false"))]);
    assert_eq!(findings(&base(&[])), none());
}

#[test]
fn pl007_endpoint_sg_blocks_listener() {
    let wrong_port = base(&[("consumer.tf", "from_port   = 8443\n    to_port     = 8443", "from_port   = 443\n    to_port     = 443")]);
    assert_eq!(findings(&wrong_port), vec![f("PL007", at(&wrong_port, "consumer.tf", "security_group_ids  ="))]);
    assert!(messages(&wrong_port)[0].contains("port 8443"));
    // A range that covers the listener port.
    let range = base(&[("consumer.tf", "from_port   = 8443\n    to_port     = 8443", "from_port   = 8000\n    to_port     = 9000")]);
    assert_eq!(findings(&range), none(), "{:#?}", messages(&range));
    // The rule as a separate resource admits it.
    let separate = with(
        wrong_port.clone(),
        "consumer.tf",
        "\nresource \"aws_vpc_security_group_ingress_rule\" \"api\" {\n  provider          = aws.consumer\n  security_group_id = aws_security_group.endpoint.id\n  ip_protocol       = \"tcp\"\n  from_port         = 8443\n  to_port           = 8443\n  cidr_ipv4         = \"10.1.0.0/16\"\n}\n",
    );
    assert_eq!(findings(&separate), none(), "{:#?}", messages(&separate));
}

#[test]
fn pl008_private_dns_vpc_attributes() {
    let unset = base(&[("consumer.tf", "  enable_dns_hostnames = true\n", "")]);
    assert_eq!(findings(&unset), vec![f("PL008", at(&unset, "consumer.tf", "private_dns_enabled = true"))]);
    assert!(messages(&unset)[0].contains("enable_dns_hostnames not set"));
    let no_private_dns = base(&[
        ("consumer.tf", "  enable_dns_hostnames = true\n", ""),
        ("consumer.tf", "private_dns_enabled = true", "private_dns_enabled = false"),
    ]);
    assert_eq!(findings(&no_private_dns), none(), "{:#?}", messages(&no_private_dns));
}

#[test]
fn pl009_private_dns_unverifiable() {
    let no_record = base(&[(
        "service.tf",
        "records  = [aws_vpc_endpoint_service.api.private_dns_name_configuration[0].value]",
        "records  = [\"vpce:copied-by-hand\"]",
    )]);
    assert_eq!(findings(&no_record), vec![f("PL009", at(&no_record, "service.tf", "private_dns_name           ="))]);
    let private_zone = base(&[(
        "service.tf",
        "  name     = \"example.com\"\n",
        "  name     = \"example.com\"\n\n  vpc {\n    vpc_id = aws_vpc.svc.id\n  }\n",
    )]);
    assert_eq!(findings(&private_zone), vec![f("PL009", at(&private_zone, "service.tf", "zone_id  = aws_route53_zone.public.zone_id"))]);
    // The zone is appended to a name from another domain: it verifies nothing.
    let other = base(&[("service.tf", "[0].name}.api.example.com\"", "[0].name}.api.example.org\"")]);
    assert_eq!(findings(&other), vec![f("PL009", at(&other, "service.tf", "name     = \"${aws_vpc_endpoint_service"))]);
    // The bare label: the provider appends the zone, and example.com is a parent domain.
    let bare = base(&[("service.tf", "[0].name}.api.example.com\"", "[0].name}\"")]);
    assert_eq!(findings(&bare), none(), "{:#?}", messages(&bare));
}

#[test]
fn pl010_duplicate_subnet_az() {
    let extra = "\nresource \"aws_subnet\" \"extra\" {\n  provider             = aws.consumer\n  vpc_id               = aws_vpc.app.id\n  availability_zone_id = \"use1-az4\"\n  cidr_block           = \"10.1.9.0/24\"\n}\n";
    let dup = with(
        base(&[(
            "consumer.tf",
            "subnet_ids          = [for s in aws_subnet.app : s.id]",
            "subnet_ids          = concat([for s in aws_subnet.app : s.id], [aws_subnet.extra.id])",
        )]),
        "consumer.tf",
        extra,
    );
    assert_eq!(findings(&dup), vec![f("PL010", at(&dup, "consumer.tf", "subnet_ids          ="))]);
    let unused = with(base(&[]), "consumer.tf", extra);
    assert_eq!(findings(&unused), none(), "{:#?}", messages(&unused));
}

#[test]
fn pl011_quota_near() {
    let quota = |n: u32| {
        format!("simulation {{\n  account \"111111111111\" {{\n    quotas = {{ allowed_principals_per_service = {n} }}\n  }}\n}}\n")
    };
    let full = with(base(&[]), "simulation.plcli.hcl", &quota(1));
    assert_eq!(findings(&full), vec![f("PL011", at(&full, "service.tf", "resource \"aws_vpc_endpoint_service\" \"api\""))]);
    assert!(messages(&full)[0].contains("1 of allowed_principals_per_service = 1"), "{:#?}", messages(&full));
    let room = with(base(&[]), "simulation.plcli.hcl", &quota(2));
    assert_eq!(findings(&room), none(), "{:#?}", messages(&room));
}

#[test]
fn pl012_principal_both_forms() {
    let both = base(&[("service.tf", "  private_dns_name           = \"api.example.com\"\n", "  private_dns_name           = \"api.example.com\"\n  allowed_principals         = [\"arn:aws:iam::222222222222:role/api-client\"]\n")]);
    assert_eq!(findings(&both), vec![f("PL012", at(&both, "service.tf", "principal_arn           ="))]);
    let other = base(&[(
        "service.tf",
        "  private_dns_name           = \"api.example.com\"\n",
        "  private_dns_name           = \"api.example.com\"\n  allowed_principals         = [\"arn:aws:iam::222222222222:role/batch\"]\n",
    )]);
    assert_eq!(findings(&other), none(), "{:#?}", messages(&other));
}

#[test]
fn pl013_no_principals_and_pl019_endpoint_principal_not_allowed() {
    let principal = "resource \"aws_vpc_endpoint_service_allowed_principal\" \"consumer\" {\n  provider                = aws.owner\n  vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id\n  principal_arn           = \"arn:aws:iam::222222222222:role/api-client\"\n}\n";
    let nobody = base(&[("service.tf", principal, ""), ("consumer.tf", "    aws_vpc_endpoint_service_allowed_principal.consumer,\n", "")]);
    assert_eq!(
        findings(&nobody),
        vec![
            f("PL019", at(&nobody, "consumer.tf", "service_name        =")),
            f("PL013", at(&nobody, "service.tf", "resource \"aws_vpc_endpoint_service\" \"api\""))
        ]
    );
    // Principals from a for_each whose keys are unknown: nobody can tell, so no finding.
    let unknown = with(
        base(&[("service.tf", principal, ""), ("consumer.tf", "    aws_vpc_endpoint_service_allowed_principal.consumer,\n", "")]),
        "service.tf",
        "\nvariable \"consumers\" {\n  type = set(string)\n}\n\nresource \"aws_vpc_endpoint_service_allowed_principal\" \"consumer\" {\n  provider                = aws.owner\n  for_each                = var.consumers\n  vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id\n  principal_arn           = each.key\n}\n",
    );
    assert_eq!(findings(&unknown), none(), "{:#?}", messages(&unknown));
}

#[test]
fn pl014_acceptance_without_accepter() {
    let accepter = "resource \"aws_vpc_endpoint_connection_accepter\" \"api\" {\n  provider                = aws.owner\n  vpc_endpoint_service_id = aws_vpc_endpoint_service.api.id\n  vpc_endpoint_id         = aws_vpc_endpoint.api.id\n}\n";
    let pending = base(&[("service.tf", accepter, "")]);
    assert_eq!(findings(&pending), vec![f("PL014", at(&pending, "service.tf", "acceptance_required        = true"))]);
    let notified = with(
        base(&[("service.tf", accepter, "")]),
        "service.tf",
        "resource \"aws_sns_topic\" \"events\" {\n  provider = aws.owner\n  name     = \"privatelink-events\"\n}\n\nresource \"aws_vpc_endpoint_connection_notification\" \"api\" {\n  provider                    = aws.owner\n  vpc_endpoint_service_id     = aws_vpc_endpoint_service.api.id\n  connection_notification_arn = aws_sns_topic.events.arn\n  connection_events           = [\"Connect\"]\n}\n",
    );
    assert_eq!(findings(&notified), none(), "{:#?}", messages(&notified));
}

#[test]
fn pl015_default_sg_endpoint() {
    let default_sg = base(&[("consumer.tf", "  security_group_ids  = [aws_security_group.endpoint.id]\n", "")]);
    assert_eq!(findings(&default_sg), vec![f("PL015", at(&default_sg, "consumer.tf", "resource \"aws_vpc_endpoint\" \"api\""))]);
    let managed = with(
        default_sg.clone(),
        "consumer.tf",
        "\nresource \"aws_default_security_group\" \"app\" {\n  provider = aws.consumer\n  vpc_id   = aws_vpc.app.id\n\n  ingress {\n    from_port   = 8443\n    to_port     = 8443\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.1.0.0/16\"]\n  }\n}\n",
    );
    assert_eq!(findings(&managed), none(), "{:#?}", messages(&managed));
}

#[test]
fn pl016_not_simulated() {
    let opaque = with(
        base(&[]),
        "extra.tf",
        "resource \"random_id\" \"suffix\" {\n  byte_length = 4\n}\n\nresource \"random_id\" \"other\" {\n  byte_length = 2\n}\n",
    );
    assert_eq!(findings(&opaque), vec![f("PL016", at(&opaque, "extra.tf", "\"random_id\" \"suffix\""))]);
    assert_eq!(findings(&base(&[])), none());
}

#[test]
fn pl017_endpoint_principal_race() {
    let race = base(&[("consumer.tf", "    aws_vpc_endpoint_service_allowed_principal.consumer,\n", "")]);
    assert_eq!(findings(&race), vec![f("PL017", at(&race, "consumer.tf", "resource \"aws_vpc_endpoint\" \"api\""))]);
    // An inline principal is set when the service is created, which the endpoint follows.
    let inline = base(&[
        ("consumer.tf", "    aws_vpc_endpoint_service_allowed_principal.consumer,\n", ""),
        (
            "service.tf",
            "  private_dns_name           = \"api.example.com\"\n",
            "  private_dns_name           = \"api.example.com\"\n  allowed_principals         = [\"arn:aws:iam::222222222222:root\"]\n",
        ),
    ]);
    assert_eq!(findings(&inline), vec![f("PL002", at(&inline, "service.tf", "allowed_principals         ="))], "{:#?}", messages(&inline));
}

#[test]
fn pl018_principal_arn_invalid() {
    let bare = base(&[("service.tf", "\"arn:aws:iam::222222222222:role/api-client\"\n}", "\"222222222222\"\n}")]);
    assert_eq!(findings(&bare), vec![f("PL018", at(&bare, "service.tf", "principal_arn           = \"222222222222\""))]);
    assert!(messages(&bare)[0].contains("arn:aws:iam::222222222222:root"));
    let root = base(&[("service.tf", "\"arn:aws:iam::222222222222:role/api-client\"\n}", "\"arn:aws:iam::222222222222:root\"\n}")]);
    assert_eq!(findings(&root), vec![f("PL002", at(&root, "service.tf", "principal_arn           ="))]);
}

#[test]
fn pl019_endpoint_principal_not_allowed() {
    let other_role = base(&[("service.tf", "role/api-client\"\n}", "role/batch\"\n}")]);
    assert_eq!(findings(&other_role), vec![f("PL019", at(&other_role, "consumer.tf", "service_name        ="))]);
    assert!(messages(&other_role)[0].contains("arn:aws:iam::222222222222:role/api-client"));
    assert_eq!(findings(&base(&[])), none());
}

#[test]
fn pl020_endpoint_sg_no_ingress() {
    let ssm = |ingress: &str| {
        with(
            base(&[]),
            "consumer.tf",
            &format!("\nresource \"aws_security_group\" \"ssm\" {{\n  provider = aws.consumer\n  name     = \"ssm-endpoint\"\n  vpc_id   = aws_vpc.app.id\n{ingress}}}\n\nresource \"aws_vpc_endpoint\" \"ssm\" {{\n  provider            = aws.consumer\n  vpc_id              = aws_vpc.app.id\n  service_name        = \"com.amazonaws.us-east-1.ssm\"\n  vpc_endpoint_type   = \"Interface\"\n  subnet_ids          = [for s in aws_subnet.app : s.id]\n  security_group_ids  = [aws_security_group.ssm.id]\n  private_dns_enabled = true\n}}\n"),
        )
    };
    let closed = ssm("");
    assert_eq!(findings(&closed), vec![f("PL020", at(&closed, "consumer.tf", "security_group_ids  = [aws_security_group.ssm.id]"))]);
    let open = ssm("\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.1.0.0/16\"]\n  }\n");
    assert_eq!(findings(&open), none(), "{:#?}", messages(&open));
}

#[test]
fn pl021_endpoint_private_dns_race() {
    let race = base(&[("consumer.tf", "    aws_vpc_endpoint_service_private_dns_verification.api,\n", "")]);
    assert_eq!(findings(&race), vec![f("PL021", at(&race, "consumer.tf", "private_dns_enabled = true"))]);
    let no_wait = base(&[("service.tf", "wait_for_verification = true", "wait_for_verification = false")]);
    assert_eq!(findings(&no_wait), vec![f("PL021", at(&no_wait, "consumer.tf", "private_dns_enabled = true"))]);
    let off = base(&[
        ("consumer.tf", "    aws_vpc_endpoint_service_private_dns_verification.api,\n", ""),
        ("consumer.tf", "private_dns_enabled = true", "private_dns_enabled = false"),
    ]);
    assert_eq!(findings(&off), none(), "{:#?}", messages(&off));
}

#[test]
fn pl022_private_dns_without_name() {
    let nameless = base(&[("service.tf", "  private_dns_name           = \"api.example.com\"\n", "")]);
    assert_eq!(findings(&nameless), vec![f("PL022", at(&nameless, "consumer.tf", "private_dns_enabled = true"))]);
    let off = base(&[
        ("service.tf", "  private_dns_name           = \"api.example.com\"\n", ""),
        ("consumer.tf", "private_dns_enabled = true", "private_dns_enabled = false"),
    ]);
    assert_eq!(findings(&off), none(), "{:#?}", messages(&off));
}

#[test]
fn pl023_dns_verification_before_record() {
    let early = base(&[("service.tf", "  depends_on            = [aws_route53_record.verification]\n", "")]);
    assert_eq!(
        findings(&early),
        vec![f("PL023", at(&early, "service.tf", "resource \"aws_vpc_endpoint_service_private_dns_verification\""))]
    );
    assert_eq!(findings(&base(&[])), none());
}

#[test]
fn pl024_auto_accept_cross_account() {
    let auto = base(&[("consumer.tf", "private_dns_enabled = true\n", "private_dns_enabled = true\n  auto_accept         = true\n")]);
    assert_eq!(findings(&auto), vec![f("PL024", at(&auto, "consumer.tf", "auto_accept         = true"))]);
    let no_acceptance = base(&[
        ("consumer.tf", "private_dns_enabled = true\n", "private_dns_enabled = true\n  auto_accept         = true\n"),
        ("service.tf", "acceptance_required        = true", "acceptance_required        = false"),
    ]);
    assert_eq!(findings(&no_acceptance), none(), "{:#?}", messages(&no_acceptance));
}

#[test]
fn pl025_endpoint_type_not_interface() {
    let gateway = base(&[("consumer.tf", "  vpc_endpoint_type   = \"Interface\"\n", "")]);
    assert_eq!(findings(&gateway), vec![f("PL025", at(&gateway, "consumer.tf", "resource \"aws_vpc_endpoint\" \"api\""))]);
    assert!(messages(&gateway)[0].contains("provider's default is Gateway"));
    assert_eq!(findings(&base(&[])), none());
}

#[test]
fn rules_follow_modules_and_count() {
    // The consumer side in a module with count: each instance is checked, at the module's
    // source, and the service name crosses the module boundary as a token.
    let module = "variable \"service_name\" {\n  type = string\n}\n\nresource \"aws_vpc\" \"this\" {\n  cidr_block           = \"10.2.0.0/16\"\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n}\n\nresource \"aws_subnet\" \"this\" {\n  count             = 2\n  vpc_id            = aws_vpc.this.id\n  availability_zone = [\"us-east-1a\", \"us-east-1b\"][count.index]\n  cidr_block        = cidrsubnet(\"10.2.0.0/16\", 8, count.index)\n}\n\nresource \"aws_security_group\" \"endpoint\" {\n  vpc_id = aws_vpc.this.id\n}\n\nresource \"aws_vpc_endpoint\" \"this\" {\n  vpc_id             = aws_vpc.this.id\n  service_name       = var.service_name\n  vpc_endpoint_type  = \"Interface\"\n  subnet_ids         = aws_subnet.this[*].id\n  security_group_ids = [aws_security_group.endpoint.id]\n}\n";
    let call = "\nmodule \"team\" {\n  source       = \"./modules/team\"\n  count        = 2\n  providers    = { aws = aws.consumer }\n  service_name = aws_vpc_endpoint_service.api.service_name\n  depends_on   = [aws_vpc_endpoint_service_allowed_principal.consumer]\n}\n";
    let files = with(with(base(&[]), "modules/team/main.tf", module), "consumer.tf", call);
    let loc_subnets = at(&files, "modules/team/main.tf", "subnet_ids         =");
    let loc_sgs = at(&files, "modules/team/main.tf", "security_group_ids =");
    let mut got = findings(&files);
    got.sort();
    // Per instance: two subnets in unserved AZs (use1-az1/az2), and an SG without port 8443.
    let mut want = vec![
        f("PL003", loc_subnets.clone()),
        f("PL003", loc_subnets.clone()),
        f("PL003", loc_subnets.clone()),
        f("PL003", loc_subnets),
        f("PL007", loc_sgs.clone()),
        f("PL007", loc_sgs),
    ];
    want.sort();
    assert_eq!(got, want, "{:#?}", messages(&files));
    assert!(messages(&files).iter().any(|m| m.contains("module.team[1].aws_subnet.this[0]")));
}

#[test]
fn service_availability_zones_are_in_each_readers_names() {
    let subnets = "{ \"us-east-1a\" = \"10.1.1.0/24\", \"us-east-1b\" = \"10.1.2.0/24\", \"us-east-1c\" = \"10.1.3.0/24\", \"us-east-1d\" = \"10.1.4.0/24\", \"us-east-1e\" = \"10.1.5.0/24\", \"us-east-1f\" = \"10.1.6.0/24\" }";
    let filtered = |zones: &str| {
        base(&[
            ("consumer.tf", "{ \"use1-az4\" = \"10.1.1.0/24\", \"use1-az5\" = \"10.1.2.0/24\" }", subnets),
            ("consumer.tf", "availability_zone_id = each.key", "availability_zone    = each.key"),
            (
                "consumer.tf",
                "subnet_ids          = [for s in aws_subnet.app : s.id]",
                &format!("subnet_ids          = [for k, s in aws_subnet.app : s.id if contains({zones}, k)]"),
            ),
        ])
    };
    // The service's own availability_zones are the owner's names (us-east-1a/b), which are
    // use1-az1/az2 in the consumer's account: the filter keeps the wrong subnets.
    let owner_names = filtered("aws_vpc_endpoint_service.api.availability_zones");
    let loc = at(&owner_names, "consumer.tf", "subnet_ids          =");
    assert_eq!(findings(&owner_names), vec![f("PL003", loc.clone()), f("PL003", loc)], "{:#?}", messages(&owner_names));
    // Read by the consumer, the data source answers in the consumer's names (us-east-1d/e).
    let reader = with(
        filtered("data.aws_vpc_endpoint_service.api.availability_zones"),
        "consumer.tf",
        "\ndata \"aws_vpc_endpoint_service\" \"api\" {\n  provider     = aws.consumer\n  service_name = aws_vpc_endpoint_service.api.service_name\n}\n",
    );
    assert_eq!(findings(&reader), none(), "{:#?}", messages(&reader));
}

#[test]
fn count_expanded_resources_and_caller_data_sources() {
    // The principal built from the consumer provider's caller identity, the NLB's subnets
    // from aws_availability_zones, both known statically.
    let files = with(
        base(&[
            ("service.tf", "principal_arn           = \"arn:aws:iam::222222222222:role/api-client\"", "principal_arn           = data.aws_caller_identity.consumer.arn"),
            ("service.tf", "  for_each          = { \"us-east-1a\" = \"10.0.1.0/24\", \"us-east-1b\" = \"10.0.2.0/24\" }\n", "  count             = 2\n"),
            ("service.tf", "availability_zone = each.key\n  cidr_block        = each.value", "availability_zone = data.aws_availability_zones.owner.names[count.index]\n  cidr_block        = cidrsubnet(\"10.0.0.0/16\", 8, count.index + 1)"),
            ("service.tf", "subnets                          = [for s in aws_subnet.svc : s.id]", "subnets                          = aws_subnet.svc[*].id"),
        ]),
        "data.tf",
        "data \"aws_caller_identity\" \"consumer\" {\n  provider = aws.consumer\n}\n\ndata \"aws_availability_zones\" \"owner\" {\n  provider = aws.owner\n}\n",
    );
    assert_eq!(findings(&files), none(), "{:#?}", messages(&files));
    // With count = 1 the NLB is in us-east-1a (use1-az4) only: the consumer's use1-az5
    // subnet is not served, and the service has one AZ.
    let one: Vec<(String, String)> =
        files.iter().map(|(n, t)| (n.clone(), t.replace("count             = 2", "count             = 1"))).collect();
    assert_eq!(
        findings(&one),
        vec![
            f("PL003", at(&one, "consumer.tf", "subnet_ids          =")),
            f("PL005", at(&one, "service.tf", "subnets                          ="))
        ],
        "{:#?}",
        messages(&one)
    );
}

#[test]
fn pl026_nlb_sg_blocks_privatelink() {
    let nlb_sg = |cidr: &str, enforce: &str| {
        with(
            base(&[("service.tf", "  enable_cross_zone_load_balancing = true\n", &format!("  enable_cross_zone_load_balancing = true\n  security_groups                  = [aws_security_group.nlb.id]\n{enforce}"))]),
            "service.tf",
            &format!("\nresource \"aws_security_group\" \"nlb\" {{\n  provider = aws.owner\n  name     = \"api-nlb\"\n  vpc_id   = aws_vpc.svc.id\n\n  ingress {{\n    from_port   = 8443\n    to_port     = 8443\n    protocol    = \"tcp\"\n    cidr_blocks = [\"{cidr}\"]\n  }}\n}}\n"),
        )
    };
    // Enforcement is on by default: the rules admit only the provider's VPC.
    let own_vpc = nlb_sg("10.0.0.0/16", "");
    assert_eq!(findings(&own_vpc), vec![f("PL026", at(&own_vpc, "service.tf", "security_groups                  ="))]);
    assert!(messages(&own_vpc)[0].contains("10.1.1.0/24"), "{:#?}", messages(&own_vpc));
    let private_range = nlb_sg("10.0.0.0/8", "");
    assert_eq!(findings(&private_range), none(), "{:#?}", messages(&private_range));
    let off = nlb_sg("10.0.0.0/16", "  enforce_security_group_inbound_rules_on_private_link_traffic = \"off\"\n");
    assert_eq!(findings(&off), none(), "{:#?}", messages(&off));
}
