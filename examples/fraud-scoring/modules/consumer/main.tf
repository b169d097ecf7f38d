# One consumer account's side of the fraud-scoring connection: VPC, one
# endpoint subnet per AZ ID, the interface endpoint with private DNS, and an
# app host that calls the service. The caller passes the account's provider
# with `providers = { aws = aws.<alias> }`.

locals {
  # AZ ID -> subnet CIDR, placed by AZ ID (availability_zone_id) so the
  # subnets line up with the service whatever this account calls its zones.
  subnets = {
    for i, az_id in var.az_ids : az_id => cidrsubnet(var.vpc_cidr, 8, i + 10)
  }

  app_az_id = var.az_ids[0]
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "${var.name}-vpc"
  }
}

resource "aws_subnet" "this" {
  for_each = local.subnets

  vpc_id               = aws_vpc.this.id
  availability_zone_id = each.key
  cidr_block           = each.value

  tags = {
    Name = "${var.name}-${each.key}"
  }
}

resource "aws_security_group" "app" {
  name        = "${var.name}-fraud-client"
  description = "Hosts that call fraud-scoring"
  vpc_id      = aws_vpc.this.id

  egress {
    description = "To the fraud-scoring endpoint ENIs"
    from_port   = var.service_port
    to_port     = var.service_port
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_security_group" "endpoint" {
  name        = "${var.name}-fraud-endpoint"
  description = "fraud-scoring interface endpoint ENIs"
  vpc_id      = aws_vpc.this.id

  ingress {
    description     = "Clients to the fraud-scoring endpoint"
    from_port       = var.service_port
    to_port         = var.service_port
    protocol        = "tcp"
    cidr_blocks     = var.client_ingress == "vpc" ? [var.vpc_cidr] : []
    security_groups = var.client_ingress == "app-sg" ? [aws_security_group.app.id] : []
  }
}

resource "aws_instance" "app" {
  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.this[local.app_az_id].id
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "${var.name}-app"
  }
}

resource "aws_vpc_endpoint" "this" {
  vpc_id              = aws_vpc.this.id
  service_name        = var.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [for s in aws_subnet.this : s.id]
  security_group_ids  = [aws_security_group.endpoint.id]
  private_dns_enabled = true

  tags = {
    Name = "${var.name}-fraud-scoring"
  }
}
