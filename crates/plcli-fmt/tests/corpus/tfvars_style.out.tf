region   = "us-east-1"
vpc_cidr = "10.0.0.0/16"
azs      = ["us-east-1a", "us-east-1b"]
tags = {
  Owner      = "team"
  CostCenter = "123"
}
legacy     = var.x
enable_nat = true
