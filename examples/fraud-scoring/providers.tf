terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
  }
}

# The payments platform account owns the fraud-scoring service. It is the
# default (unaliased) provider: every resource without `provider = ...` in this
# root is created there. Principal: the account root.
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = [var.platform_account_id]

  default_tags {
    tags = {
      Project   = "fraud-scoring"
      Owner     = "payments-platform"
      ManagedBy = "terraform"
    }
  }
}

# Three of the consumers in var.consumers are modelled in full in this root.
# Terraform has no for_each on provider blocks, so each gets a static alias.
# Each assumes the consumer's workload role; that role ARN is both the
# consumer's principal and its entry on the service's allow-list.

provider "aws" {
  alias               = "bu_a"
  region              = "us-east-1"
  allowed_account_ids = [var.consumers["acquired_bu_a"].account_id]

  assume_role {
    role_arn     = local.consumer_role_arns["acquired_bu_a"]
    session_name = "fraud-scoring-onboarding"
  }
}

provider "aws" {
  alias               = "bu_b"
  region              = "us-east-1"
  allowed_account_ids = [var.consumers["acquired_bu_b"].account_id]

  assume_role {
    role_arn     = local.consumer_role_arns["acquired_bu_b"]
    session_name = "fraud-scoring-onboarding"
  }
}

provider "aws" {
  alias               = "checkout"
  region              = "us-east-1"
  allowed_account_ids = [var.consumers["checkout"].account_id]

  assume_role {
    role_arn     = local.consumer_role_arns["checkout"]
    session_name = "fraud-scoring-onboarding"
  }
}
