# The consumers modelled in full: each in its own account, each with its own
# VPC on the same 10.20.0.0/16 as the service and each other.

module "consumer_bu_a" {
  source = "./modules/consumer"
  providers = {
    aws = aws.bu_a
  }

  name           = "acquired-bu-a"
  vpc_cidr       = var.consumer_vpc_cidr
  az_ids         = var.service_az_ids
  service_name   = aws_vpc_endpoint_service.fraud.service_name
  service_port   = var.service_port
  ami_id         = var.ami_id
  client_ingress = "vpc"

  # The endpoint must not be requested before the consumer's role is allowed
  # (else InvalidServiceName) and the private DNS name is verified (else
  # private_dns_enabled is refused). Nothing in the inputs says so.
  depends_on = [
    aws_vpc_endpoint_service_allowed_principal.consumer,
    aws_vpc_endpoint_service_private_dns_verification.fraud,
  ]
}

module "consumer_bu_b" {
  source = "./modules/consumer"
  providers = {
    aws = aws.bu_b
  }

  name     = "acquired-bu-b"
  vpc_cidr = var.consumer_vpc_cidr
  # Two of the three service AZs: each endpoint AZ is billed per hour.
  az_ids         = slice(var.service_az_ids, 0, 2)
  service_name   = aws_vpc_endpoint_service.fraud.service_name
  service_port   = var.service_port
  ami_id         = var.ami_id
  client_ingress = "app-sg"

  depends_on = [
    aws_vpc_endpoint_service_allowed_principal.consumer,
    aws_vpc_endpoint_service_private_dns_verification.fraud,
  ]
}

module "consumer_checkout" {
  source = "./modules/consumer"
  providers = {
    aws = aws.checkout
  }

  name           = "checkout"
  vpc_cidr       = var.consumer_vpc_cidr
  az_ids         = var.service_az_ids
  service_name   = aws_vpc_endpoint_service.fraud.service_name
  service_port   = var.service_port
  ami_id         = var.ami_id
  client_ingress = "vpc"

  depends_on = [
    aws_vpc_endpoint_service_allowed_principal.consumer,
    aws_vpc_endpoint_service_private_dns_verification.fraud,
  ]
}
