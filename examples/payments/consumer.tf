# Consumer side: a VPC with DNS support and hostnames (both are needed for
# private DNS), endpoint subnets aligned with the service by AZ ID, the
# interface endpoint, and the app host that calls payments.example.com.

locals {
  # AZ name (in the CONSUMER account) -> subnet CIDR.
  #
  # AZ names are per-account aliases: "us-east-1a" is use1-az1 for the provider
  # but use1-az4 here (see simulation.plcli.hcl). The names below are picked so
  # that their AZ IDs are exactly the service's: use1-az1, use1-az2, use1-az4.
  # Reusing the provider's names (a, b, c) would give use1-az4, use1-az6 and
  # use1-az1, and endpoint creation would fail on use1-az6 ("does not support
  # the availability zone of the subnet").
  consumer_subnets = {
    "us-east-1c" = "10.1.1.0/24" # use1-az1 = provider's us-east-1a
    "us-east-1d" = "10.1.2.0/24" # use1-az2 = provider's us-east-1b
    "us-east-1a" = "10.1.3.0/24" # use1-az4 = provider's us-east-1c
  }

  app_az = "us-east-1c"
}

resource "aws_vpc" "consumer" {
  provider = aws.consumer

  cidr_block           = var.consumer_vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "payments-consumer"
  }
}

resource "aws_subnet" "consumer" {
  provider = aws.consumer
  for_each = local.consumer_subnets

  vpc_id            = aws_vpc.consumer.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = {
    Name = "payments-consumer-${each.key}"
  }

  lifecycle {
    # Fail early, at the subnet, if the name-based choice above stops lining
    # up with the service's AZs (compared by AZ ID, the only cross-account form).
    postcondition {
      condition     = contains([for s in aws_subnet.provider : s.availability_zone_id], self.availability_zone_id)
      error_message = "Consumer subnet ${each.key} is not in an AZ ID the payments service is published in."
    }
  }
}

# Endpoint ENIs: admit the service port from anywhere in the consumer VPC.
resource "aws_security_group" "endpoint" {
  provider = aws.consumer

  name        = "payments-endpoint"
  description = "Payments interface endpoint ENIs"
  vpc_id      = aws_vpc.consumer.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoint_from_vpc" {
  provider = aws.consumer

  security_group_id = aws_security_group.endpoint.id
  description       = "Consumer workloads to the payments endpoint"
  ip_protocol       = "tcp"
  from_port         = var.service_port
  to_port           = var.service_port
  cidr_ipv4         = var.consumer_vpc_cidr
}

# App hosts: Terraform-created SGs have no egress rule, so allow the port out.
resource "aws_security_group" "app" {
  provider = aws.consumer

  name        = "payments-app"
  description = "Checkout app hosts"
  vpc_id      = aws_vpc.consumer.id
}

resource "aws_vpc_security_group_egress_rule" "app_to_endpoint" {
  provider = aws.consumer

  security_group_id = aws_security_group.app.id
  description       = "To the payments endpoint ENIs"
  ip_protocol       = "tcp"
  from_port         = var.service_port
  to_port           = var.service_port
  cidr_ipv4         = var.consumer_vpc_cidr
}

resource "aws_instance" "app" {
  provider = aws.consumer

  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.consumer[local.app_az].id
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "checkout-app"
  }
}

resource "aws_vpc_endpoint" "payments" {
  provider = aws.consumer

  vpc_id              = aws_vpc.consumer.id
  service_name        = aws_vpc_endpoint_service.payments.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [for s in aws_subnet.consumer : s.id]
  security_group_ids  = [aws_security_group.endpoint.id]
  private_dns_enabled = true

  tags = {
    Name = "payments"
  }

  # Nothing in the arguments above refers to either resource, yet both must
  # exist first:
  # - the allowed principal: until the consumer's role is on the allow-list
  #   the service is invisible to it, and CreateVpcEndpoint fails with
  #   InvalidServiceName ("does not exist");
  # - the DNS verification: private_dns_enabled = true is refused while the
  #   service's private DNS name is not yet verified ("has not verified the
  #   private DNS name").
  depends_on = [
    aws_vpc_endpoint_service_allowed_principal.consumer,
    aws_vpc_endpoint_service_private_dns_verification.payments,
  ]
}
