# Provider side: the payments API behind an internal NLB in three AZs.

locals {
  # AZ name (in the PROVIDER account) -> subnet CIDR. With the AZ mapping in
  # simulation.plcli.hcl these are use1-az1, use1-az2 and use1-az4: the AZ IDs
  # the endpoint service is published in.
  provider_subnets = {
    "us-east-1a" = "10.0.1.0/24"
    "us-east-1b" = "10.0.2.0/24"
    "us-east-1c" = "10.0.3.0/24"
  }
}

resource "aws_vpc" "provider" {
  provider = aws.provider

  cidr_block           = var.provider_vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "payments-provider"
  }
}

resource "aws_subnet" "provider" {
  provider = aws.provider
  for_each = local.provider_subnets

  vpc_id            = aws_vpc.provider.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = {
    Name = "payments-provider-${each.key}"
  }
}

# NLB security group. Enforcement on PrivateLink traffic is turned off on the
# NLB (below), so these rules only govern callers inside the provider VPC and
# the NLB's own traffic to its targets (health checks obey egress rules).
resource "aws_security_group" "nlb" {
  provider = aws.provider

  name        = "payments-nlb"
  description = "Payments NLB"
  vpc_id      = aws_vpc.provider.id
}

resource "aws_vpc_security_group_ingress_rule" "nlb_from_vpc" {
  provider = aws.provider

  security_group_id = aws_security_group.nlb.id
  description       = "Callers inside the provider VPC"
  ip_protocol       = "tcp"
  from_port         = var.service_port
  to_port           = var.service_port
  cidr_ipv4         = var.provider_vpc_cidr
}

resource "aws_vpc_security_group_egress_rule" "nlb_to_targets" {
  provider = aws.provider

  security_group_id = aws_security_group.nlb.id
  description       = "Traffic and health checks to the targets"
  ip_protocol       = "tcp"
  from_port         = var.service_port
  to_port           = var.service_port
  cidr_ipv4         = var.provider_vpc_cidr
}

# Target security group. PrivateLink traffic reaches the targets from the
# NLB's private IPs (never the consumer's), so the provider VPC CIDR is the
# right source, for traffic and health checks alike.
resource "aws_security_group" "targets" {
  provider = aws.provider

  name        = "payments-targets"
  description = "Payments API hosts"
  vpc_id      = aws_vpc.provider.id
}

resource "aws_vpc_security_group_ingress_rule" "targets_from_nlb" {
  provider = aws.provider

  security_group_id = aws_security_group.targets.id
  description       = "NLB nodes (traffic and health checks)"
  ip_protocol       = "tcp"
  from_port         = var.service_port
  to_port           = var.service_port
  cidr_ipv4         = var.provider_vpc_cidr
}

resource "aws_lb" "payments" {
  provider = aws.provider

  name               = "payments-nlb"
  load_balancer_type = "network"
  internal           = true
  subnets            = [for s in aws_subnet.provider : s.id]
  security_groups    = [aws_security_group.nlb.id]

  # Each endpoint ENI talks to the NLB node in its own AZ; with cross-zone on,
  # that node may use healthy targets in any AZ.
  enable_cross_zone_load_balancing = true

  # Consumers' endpoint ENIs live in another account's address space; do not
  # filter PrivateLink traffic with this SG (the endpoint SG already does).
  enforce_security_group_inbound_rules_on_private_link_traffic = "off"
}

resource "aws_lb_target_group" "payments" {
  provider = aws.provider

  name        = "payments-8443"
  port        = var.service_port
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = aws_vpc.provider.id

  health_check {
    protocol            = "TCP"
    port                = "traffic-port"
    healthy_threshold   = 3
    unhealthy_threshold = 3
    interval            = 10
  }
}

resource "aws_lb_listener" "payments" {
  provider = aws.provider

  load_balancer_arn = aws_lb.payments.arn
  port              = var.service_port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.payments.arn
  }
}

# One API host per AZ.
resource "aws_instance" "service" {
  provider = aws.provider
  for_each = aws_subnet.provider

  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = each.value.id
  vpc_security_group_ids = [aws_security_group.targets.id]

  tags = {
    Name = "payments-api-${each.key}"
  }
}

resource "aws_lb_target_group_attachment" "payments" {
  provider = aws.provider
  for_each = aws_instance.service

  target_group_arn = aws_lb_target_group.payments.arn
  target_id        = each.value.id
  port             = var.service_port
}
