// Top comment
resource "aws_vpc" "main" {
  cidr_block         = "10.0.0.0/16" // the cidr
  enable_dns_support = true          // dns
  // own line
  instance_tenancy = "default" //tight
}
