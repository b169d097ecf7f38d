terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
  }
}

# The inventory team's account. This root knows nothing about the consumer's
# infrastructure: only the consumer account IDs it allows.
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Service   = "inventory"
      Team      = "inventory"
      ManagedBy = "terraform"
    }
  }
}
