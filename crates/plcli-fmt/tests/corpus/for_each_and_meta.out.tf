resource "aws_subnet" "private" {
  for_each          = { for idx, az in var.azs : az => idx }
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.cidr, 8, each.value)
  availability_zone = each.key
  provider          = aws.us_east_1
  depends_on        = [aws_vpc.main]
  lifecycle { prevent_destroy = true }
}
