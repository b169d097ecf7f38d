# plcli-only settings for the consumer root (terraform ignores this file).

simulation {
  region = "us-east-1"

  # The AWS CLI profile in providers.tf -> the storefront account.
  profiles = { "storefront" = "987654321098" }

  # No az_ids: 987654321098 gets plcli's default per-account mapping
  # (987654321098 mod 6 = 2, so name i -> use1-az((i + 2) mod 6 + 1)):
  #
  #   AZ ID     inventory 456456456456   storefront 987654321098
  #   use1-az1  us-east-1a               us-east-1e  (endpoint)
  #   use1-az2  us-east-1b               us-east-1f  (endpoint)
  #   use1-az3  us-east-1c               us-east-1a  (endpoint)
  #   use1-az4  us-east-1d               us-east-1b  (app host, no endpoint ENI)
  #
  # Reusing the provider's names (a, b, c) here would have matched only one
  # zone; filtering by the service's availability_zones picks the right three.
}

# Storefront web host -> its private name -> CNAME -> endpoint ENIs -> NLB.
path "web_to_inventory" {
  from   = aws_instance.app
  to     = "inventory.svc.corp.internal"
  port   = 9443
  expect = "reachable"
}

# The batch host has no egress on 9443 and the endpoint SG does not admit it.
path "batch_cannot_reach_inventory" {
  from   = aws_instance.batch
  to     = "inventory.svc.corp.internal"
  port   = 9443
  expect = "unreachable"
}
