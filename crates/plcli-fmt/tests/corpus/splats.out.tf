locals {
  a = aws_subnet.private[*].id
  b = aws_subnet.private.*.id
  c = aws_subnet.private[*].id
  d = var.list[0]
  e = var.map["key"]
  f = aws_instance.x[count.index].private_ip
  g = aws_subnet.private[*].tags["Name"]
  h = data.aws_availability_zones.all.names[0]
  i = var.matrix[0][1]
  j = foo()[0]
  k = [1, 2][0]
  l = "abc" [0]
}
