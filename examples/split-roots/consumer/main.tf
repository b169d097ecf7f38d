# The storefront VPC and its interface endpoint to the inventory service,
# which lives in another team's account and another Terraform root.

# Find the service by the name the provider team handed over. The consumer
# may only see it once its account is on the service's allow-list.
data "aws_vpc_endpoint_service" "inventory" {
  service_name = var.service_name
}

# Alternative: find it by the provider's tag (then var.service_name is not
# needed):
#
# data "aws_vpc_endpoint_service" "inventory" {
#   filter {
#     name   = "tag:Name"
#     values = ["inventory-endpoint-service"]
#   }
# }
#
# Or read the provider root's state (local backend; plcli reads its
# plcli.state.json):
#
# data "terraform_remote_state" "inventory" {
#   backend = "local"
#   config = {
#     path = "${path.module}/../provider/plcli.state.json"
#   }
# }
# ... service_name = data.terraform_remote_state.inventory.outputs.service_name

locals {
  # Storefront subnets, by AZ name in THIS account (987654321098). Names are
  # per-account aliases, so which of these the service covers is decided by
  # AZ ID; the data source answers in this account's names.
  app_subnets = {
    "us-east-1a" = "10.40.1.0/24"
    "us-east-1b" = "10.40.2.0/24"
    "us-east-1e" = "10.40.3.0/24"
    "us-east-1f" = "10.40.4.0/24"
  }

  # The endpoint goes only into subnets whose AZ the service is published in:
  # any other subnet would make CreateVpcEndpoint fail.
  endpoint_az_names = sort([
    for az in keys(local.app_subnets) : az
    if contains(data.aws_vpc_endpoint_service.inventory.availability_zones, az)
  ])
}

resource "aws_vpc" "storefront" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "storefront"
  }
}

resource "aws_subnet" "app" {
  for_each = local.app_subnets

  vpc_id            = aws_vpc.storefront.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = {
    Name = "storefront-${each.key}"
  }
}

# Storefront web hosts: may call the inventory API.
resource "aws_security_group" "app" {
  name        = "storefront-app"
  description = "Storefront web hosts"
  vpc_id      = aws_vpc.storefront.id
}

resource "aws_security_group_rule" "app_to_inventory" {
  type              = "egress"
  security_group_id = aws_security_group.app.id
  description       = "To the inventory endpoint ENIs"
  from_port         = var.service_port
  to_port           = var.service_port
  protocol          = "tcp"
  cidr_blocks       = [var.vpc_cidr]
}

# Endpoint ENIs: admit the API port from the app hosts' SG only.
resource "aws_security_group" "endpoint" {
  name        = "storefront-inventory-endpoint"
  description = "Inventory interface endpoint ENIs"
  vpc_id      = aws_vpc.storefront.id
}

resource "aws_security_group_rule" "endpoint_from_app" {
  type                     = "ingress"
  security_group_id        = aws_security_group.endpoint.id
  description              = "Storefront web hosts"
  from_port                = var.service_port
  to_port                  = var.service_port
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.app.id
}

# Batch hosts: HTTPS out only, and not admitted by the endpoint SG. They must
# NOT reach inventory (checked by the "batch_cannot_reach_inventory" path).
resource "aws_security_group" "batch" {
  name        = "storefront-batch"
  description = "Storefront batch hosts"
  vpc_id      = aws_vpc.storefront.id

  egress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The web host sits in us-east-1b, an AZ the service does not cover: its
# traffic crosses, inside the VPC, to the endpoint ENIs in the other AZs.
resource "aws_instance" "app" {
  ami                    = var.ami_id
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.app["us-east-1b"].id
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = {
    Name = "storefront-web"
  }
}

resource "aws_instance" "batch" {
  ami                    = var.ami_id
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.app["us-east-1a"].id
  vpc_security_group_ids = [aws_security_group.batch.id]

  tags = {
    Name = "storefront-batch"
  }
}

resource "aws_vpc_endpoint" "inventory" {
  vpc_id             = aws_vpc.storefront.id
  service_name       = data.aws_vpc_endpoint_service.inventory.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [for az in local.endpoint_az_names : aws_subnet.app[az].id]
  security_group_ids = [aws_security_group.endpoint.id]

  # The service has no private DNS name; the storefront names it in its own
  # private zone instead (below).
  private_dns_enabled = false

  tags = {
    Name = "inventory"
  }

  lifecycle {
    precondition {
      condition     = length(local.endpoint_az_names) >= 2
      error_message = "The inventory service shares fewer than 2 AZs with the storefront subnets (${join(", ", local.endpoint_az_names)}): add subnets in the service's AZs."
    }
  }
}

# inventory.svc.corp.internal -> the endpoint's regional vpce-... name, which
# resolves to the endpoint ENIs in this VPC.
resource "aws_route53_zone" "internal" {
  name    = var.internal_zone_name
  comment = "Names of the services the storefront consumes"

  vpc {
    vpc_id = aws_vpc.storefront.id
  }
}

resource "aws_route53_record" "inventory" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "inventory.${var.internal_zone_name}"
  type    = "CNAME"
  ttl     = 300
  records = [aws_vpc_endpoint.inventory.dns_entry[0].dns_name]
}
