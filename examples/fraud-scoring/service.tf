# The fraud-scoring API: scorer hosts in three AZs behind an internal NLB with
# cross-zone load balancing. Everything here is in the platform account.

locals {
  # AZ ID -> subnet CIDR. Subnets are placed by AZ ID, so the service's zones
  # are the same physical zones whatever each account calls them.
  service_subnets = {
    for i, az_id in var.service_az_ids : az_id => cidrsubnet(var.service_vpc_cidr, 8, i + 1)
  }
}

resource "aws_vpc" "service" {
  cidr_block           = var.service_vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "fraud-scoring"
  }
}

resource "aws_subnet" "service" {
  for_each = local.service_subnets

  vpc_id               = aws_vpc.service.id
  availability_zone_id = each.key
  cidr_block           = each.value

  tags = {
    Name = "fraud-scoring-${each.key}"
  }
}

# NLB security group, enforced on PrivateLink traffic (the AWS default, set
# explicitly here). With enforcement on, the inbound rules must admit the
# consumers' endpoint ENI addresses; every consumer VPC is in 10.0.0.0/8.
resource "aws_security_group" "nlb" {
  name        = "fraud-scoring-nlb"
  description = "fraud-scoring NLB"
  vpc_id      = aws_vpc.service.id

  ingress {
    description = "Consumer endpoint ENIs (PrivateLink) and in-VPC callers"
    from_port   = var.service_port
    to_port     = var.service_port
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description = "Traffic and health checks to the scorers"
    from_port   = var.service_port
    to_port     = var.service_port
    protocol    = "tcp"
    cidr_blocks = [var.service_vpc_cidr]
  }
}

# Scorers see PrivateLink traffic from the NLB's private IPs, never from the
# consumers, so admitting the service VPC is enough (and PCI scope stays tight).
resource "aws_security_group" "scorer" {
  name        = "fraud-scoring-scorer"
  description = "fraud-scoring hosts"
  vpc_id      = aws_vpc.service.id

  ingress {
    description = "NLB nodes (traffic and health checks)"
    from_port   = var.service_port
    to_port     = var.service_port
    protocol    = "tcp"
    cidr_blocks = [var.service_vpc_cidr]
  }
}

resource "aws_lb" "fraud" {
  name               = "fraud-scoring"
  load_balancer_type = "network"
  internal           = true
  security_groups    = [aws_security_group.nlb.id]

  enable_cross_zone_load_balancing                             = true
  enforce_security_group_inbound_rules_on_private_link_traffic = "on"

  dynamic "subnet_mapping" {
    for_each = aws_subnet.service
    content {
      subnet_id = subnet_mapping.value.id
    }
  }
}

resource "aws_lb_target_group" "fraud" {
  name        = "fraud-scoring"
  port        = var.service_port
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.service.id

  health_check {
    protocol = "TCP"
    port     = "traffic-port"
    interval = 10
  }
}

resource "aws_lb_listener" "fraud" {
  load_balancer_arn        = aws_lb.fraud.arn
  port                     = var.service_port
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = var.tcp_idle_timeout_seconds

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.fraud.arn
  }
}

resource "aws_instance" "scorer" {
  for_each = aws_subnet.service

  ami                    = var.ami_id
  instance_type          = "c6i.large"
  subnet_id              = each.value.id
  vpc_security_group_ids = [aws_security_group.scorer.id]

  tags = {
    Name = "fraud-scorer-${each.key}"
  }
}

resource "aws_lb_target_group_attachment" "scorer" {
  for_each = aws_instance.scorer

  target_group_arn = aws_lb_target_group.fraud.arn
  target_id        = each.value.private_ip
  port             = var.service_port
}
