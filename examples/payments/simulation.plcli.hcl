# plcli-only settings for this root (terraform ignores *.plcli.hcl files).

simulation {
  region = "us-east-1"

  # AZ names are per-account aliases in us-east-1: the SAME name is a
  # DIFFERENT physical zone (AZ ID) in the two accounts. Both maps are written
  # out in full so the alignment in consumer.tf can be checked by hand.
  #
  #   AZ ID      provider (111111111111)   consumer (222222222222)
  #   use1-az1   us-east-1a  *             us-east-1c  *
  #   use1-az2   us-east-1b  *             us-east-1d  *
  #   use1-az4   us-east-1c  *             us-east-1a  *
  #   use1-az3   us-east-1d                us-east-1e
  #   use1-az5   us-east-1e                us-east-1f
  #   use1-az6   us-east-1f                us-east-1b
  #
  #   * = NLB subnets (provider) / endpoint subnets (consumer)

  # Provider: the payments platform account.
  account "111111111111" {
    az_ids = {
      "us-east-1a" = "use1-az1"
      "us-east-1b" = "use1-az2"
      "us-east-1c" = "use1-az4"
      "us-east-1d" = "use1-az3"
      "us-east-1e" = "use1-az5"
      "us-east-1f" = "use1-az6"
    }
  }

  # Consumer: the checkout account.
  account "222222222222" {
    az_ids = {
      "us-east-1a" = "use1-az4"
      "us-east-1b" = "use1-az6"
      "us-east-1c" = "use1-az1"
      "us-east-1d" = "use1-az2"
      "us-east-1e" = "use1-az3"
      "us-east-1f" = "use1-az5"
    }
  }
}

# The app host reaches the API by its friendly name: private DNS answers with
# the endpoint ENIs, the endpoint SG admits 8443 from the VPC, the connection
# is accepted, the NLB serves every endpoint AZ and its targets admit the NLB.
path "app_to_payments" {
  from     = aws_instance.app
  to       = "payments.example.com"
  port     = 8443
  protocol = "tcp"
  expect   = "reachable"
}

# The same through the endpoint's regional vpce-... name, which works even
# when private DNS is not in effect.
path "app_to_payments_regional" {
  from   = aws_instance.app
  to     = aws_vpc_endpoint.payments
  port   = 8443
  expect = "reachable"
}

# What-ifs for `plcli verify --scenario NAME` (see README.md).

# One API host fails its health checks. Cross-zone load balancing is on, so
# the NLB node in that AZ uses the hosts in the other AZs: still reachable.
scenario "api_host_unhealthy" {
  unhealthy_targets = [aws_lb_target_group_attachment.payments["us-east-1a"]]
}

# A whole zone goes down: the endpoint ENI, NLB node and API host in use1-az2
# (consumer us-east-1d, provider us-east-1b). The other two AZs still work, so
# the paths are expected to come out partial.
scenario "use1_az2_down" {
  failed_az_ids = ["use1-az2"]
}
