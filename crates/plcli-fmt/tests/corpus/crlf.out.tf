resource "aws_vpc" "crlf" {
  cidr_block         = "10.0.0.0/16"
  enable_dns_support = true # c
  policy             = <<EOF
x
EOF
}
