provider "aws" {
  alias  = "peer"
  region = var.peer_region
}
resource "aws_vpc_peering_connection" "p" {
  provider    = "aws.peer"
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  depends_on  = ["aws_vpc.a"]
  tags { Name = "legacy" }
}
resource "aws_route" "r" {
  count                  = length(var.rts)
  route_table_id         = element(var.rts, count.index)
  destination_cidr_block = aws_vpc.b.cidr_block
  ids                    = aws_subnet.private.*.id
  first                  = aws_subnet.private.0.id
  m                      = map("k", "v")
}
