resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
variable "region" {}
provider "aws" {
  region = var.region
}
module "vpc" {
  source = "./vpc"
}
