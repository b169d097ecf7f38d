# Top comment
resource "aws_vpc" "main" { # trailing on block open
  cidr_block = "10.0.0.0/16" # the cidr
  enable_dns_support = true # dns
  # own line comment
    # indented comment
  enable_dns_hostnames = true
} # after close
