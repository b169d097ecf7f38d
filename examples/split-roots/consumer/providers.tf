terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
  }
}

# The storefront team's account, through a named AWS CLI profile. plcli maps
# the profile to an account with simulation.profiles (simulation.plcli.hcl);
# the principal is that account's root, which the provider root allows.
provider "aws" {
  region  = "us-east-1"
  profile = "storefront"

  default_tags {
    tags = {
      Team      = "storefront"
      ManagedBy = "terraform"
    }
  }
}
