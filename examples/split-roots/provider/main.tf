# The inventory API: one host per AZ behind an internal NLB.

resource "aws_vpc" "inventory" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "inventory"
  }
}

resource "aws_subnet" "inventory" {
  count = length(var.azs)

  vpc_id            = aws_vpc.inventory.id
  availability_zone = var.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index + 1)

  tags = {
    Name = "inventory-${var.azs[count.index]}"
  }
}

resource "aws_security_group" "hosts" {
  name        = "inventory-hosts"
  description = "Inventory API hosts"
  vpc_id      = aws_vpc.inventory.id
}

# The NLB has no security groups, so nothing filters between the endpoint
# and the NLB; the hosts' SG must admit the NLB's private addresses (the
# source of all PrivateLink traffic and health checks), i.e. the VPC CIDR.
resource "aws_security_group_rule" "hosts_from_nlb" {
  type              = "ingress"
  security_group_id = aws_security_group.hosts.id
  description       = "NLB nodes (traffic and health checks)"
  from_port         = var.service_port
  to_port           = var.service_port
  protocol          = "tcp"
  cidr_blocks       = [var.vpc_cidr]
}

resource "aws_lb" "inventory" {
  name               = "inventory"
  load_balancer_type = "network"
  internal           = true
  subnets            = aws_subnet.inventory[*].id

  # Deliberate zonal isolation: one host per AZ and each endpoint ENI served
  # by its own AZ, without inter-AZ data charges.
  # plcli-ignore: PL004
  enable_cross_zone_load_balancing = false
}

resource "aws_lb_target_group" "inventory" {
  name        = "inventory"
  port        = var.service_port
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = aws_vpc.inventory.id
}

resource "aws_lb_listener" "inventory" {
  load_balancer_arn = aws_lb.inventory.arn
  port              = var.service_port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.inventory.arn
  }
}

resource "aws_instance" "inventory" {
  count = length(var.azs)

  ami                    = var.ami_id
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.inventory[count.index].id
  vpc_security_group_ids = [aws_security_group.hosts.id]

  tags = {
    Name = "inventory-${var.azs[count.index]}"
  }
}

resource "aws_lb_target_group_attachment" "inventory" {
  count = length(var.azs)

  target_group_arn = aws_lb_target_group.inventory.arn
  target_id        = aws_instance.inventory[count.index].id
  port             = var.service_port
}
