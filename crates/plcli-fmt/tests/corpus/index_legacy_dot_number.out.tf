output "first" {
  value = aws_vpc_endpoint.ep.dns_entry.0.dns_name
}
output "splat" {
  value = aws_subnet.a.*.id
}
output "for_index" {
  value = [for s in aws_subnet.a : s.id].0
}
