terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}
locals {
  arn = provider::aws::arn_parse(var.arn)
  b = provider :: aws :: arn_build("aws", "s3", "", "", "bucket")
}
