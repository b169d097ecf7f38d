resource "null_resource" "a" {}
resource "null_resource" "b" {}
resource "null_resource" "c" { triggers = { a = 1 } }
data "aws_region" "current" {}
locals { x = 1 }
module "m" { source = "./m" }
terraform {
  required_providers { aws = { source = "hashicorp/aws", version = "~> 5.0" } }
}
