resource "aws_vpc_endpoint" "ec2" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.${var.region}.ec2"

  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true


  subnet_ids         = aws_subnet.private[*].id
  security_group_ids = [aws_security_group.ep.id]
}



locals {
  a = 1


  bb = 2
}
