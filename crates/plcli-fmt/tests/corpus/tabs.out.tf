resource "aws_vpc" "tabs" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name = "tabs" # c	
  }
}
