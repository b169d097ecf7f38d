terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
  }
}

# One root, two accounts. plcli derives each caller from its provider block
# (SPEC §2.2): the account is the first entry of `allowed_account_ids`, the
# principal is `assume_role.role_arn` when set, else the account root.

# Service owner: the payments platform account. Principal: its account root.
provider "aws" {
  alias               = "provider"
  region              = "us-east-1"
  allowed_account_ids = [var.provider_account_id]

  default_tags {
    tags = {
      Project   = "payments"
      Side      = "provider"
      ManagedBy = "terraform"
    }
  }
}

# Consumer: the checkout team's account, reached through a workload role.
# Principal: that role ARN, which is exactly what the endpoint service allows
# (aws_vpc_endpoint_service_allowed_principal.consumer), so another role in the
# same account would not even see the service.
provider "aws" {
  alias               = "consumer"
  region              = "us-east-1"
  allowed_account_ids = [var.consumer_account_id]

  assume_role {
    role_arn     = var.consumer_role_arn
    session_name = "payments-consumer"
  }

  default_tags {
    tags = {
      Project   = "payments"
      Side      = "consumer"
      ManagedBy = "terraform"
    }
  }
}
