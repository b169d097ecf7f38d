terraform {
  required_version = ">= 1.5"
  backend "s3" {
    bucket = "b"
    key = "k"
    region = "us-east-1"
  }
}
moved {
  from = aws_vpc.old
  to = aws_vpc.new
}
import {
  to = aws_vpc.main
  id = "vpc-123"
}
check "health" {
  assert {
    condition = true
    error_message = "x"
  }
}
