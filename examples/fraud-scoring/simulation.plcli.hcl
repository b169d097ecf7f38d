# plcli-only settings for this root (terraform ignores *.plcli.hcl files).

simulation {
  region = "us-east-1"

  # Every subnet in this example is placed by AZ ID, so nothing depends on
  # these maps; they show that the service's three zones carry different
  # names in every account (and endpoint_az_names in the outputs shows it):
  #
  #   AZ ID     platform      acquired_bu_a  acquired_bu_b   checkout
  #             111111111111  444444444444   555555555555    666666666666
  #   use1-az1  us-east-1a    us-east-1b     us-east-1d      us-east-1a
  #   use1-az2  us-east-1b    us-east-1c     us-east-1e      us-east-1b
  #   use1-az4  us-east-1c    us-east-1d     us-east-1a      us-east-1d
  #
  # acquired_bu_b and checkout are not listed below: they get plcli's default
  # per-account rotation (SPEC §3.2: name i -> ID (i + account mod 6) mod 6).

  account "111111111111" {
    az_ids = {
      "us-east-1a" = "use1-az1"
      "us-east-1b" = "use1-az2"
      "us-east-1c" = "use1-az4"
      "us-east-1d" = "use1-az3"
      "us-east-1e" = "use1-az5"
      "us-east-1f" = "use1-az6"
    }

    # AWS publishes no quota on allowed principals; the seed's platform team
    # budgets 50 per service. With 8 roles allowed, PL011 (quota_near) stays
    # quiet until the 40th.
    quotas = { allowed_principals_per_service = 50 }
  }

  account "444444444444" {
    az_ids = {
      "us-east-1a" = "use1-az6"
      "us-east-1b" = "use1-az1"
      "us-east-1c" = "use1-az2"
      "us-east-1d" = "use1-az4"
      "us-east-1e" = "use1-az5"
      "us-east-1f" = "use1-az3"
    }
  }
}

# Each modelled consumer's app host calls the one stable hostname. The
# overlapping 10.20.0.0/16 VPCs do not matter: PrivateLink never routes
# between them.
path "bu_a_to_fraud" {
  from   = module.consumer_bu_a.aws_instance.app
  to     = "fraud.internal.payments.example.com"
  port   = 8443
  expect = "reachable"
}

# acquired_bu_b's endpoint SG admits only members of its app SG, and its
# endpoint covers two of the three AZs.
path "bu_b_to_fraud" {
  from   = module.consumer_bu_b.aws_instance.app
  to     = "fraud.internal.payments.example.com"
  port   = 8443
  expect = "reachable"
}

path "checkout_to_fraud" {
  from   = module.consumer_checkout.aws_instance.app
  to     = "fraud.internal.payments.example.com"
  port   = 8443
  expect = "reachable"
}

# A client in acquired_bu_b's use1-az2 subnet with the VPC's default security
# group: the default SG allows all egress, but bu_b's endpoint SG admits only
# the app SG, so this client is turned away at the endpoint ENI.
path "bu_b_default_sg_client" {
  from   = module.consumer_bu_b.aws_subnet.this["use1-az2"]
  to     = "fraud.internal.payments.example.com"
  port   = 8443
  expect = "unreachable"
}

# What-if for `plcli verify --scenario use1_az4_down` (see README.md).
scenario "use1_az4_down" {
  failed_az_ids = ["use1-az4"]
}
