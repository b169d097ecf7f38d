output "endpoint_id" {
  description = "The storefront's interface endpoint to inventory."
  value       = aws_vpc_endpoint.inventory.id
}

output "endpoint_state" {
  description = "available: the service does not require acceptance."
  value       = aws_vpc_endpoint.inventory.state
}

output "endpoint_az_names" {
  description = "AZ names (this account's) the endpoint has ENIs in."
  value       = local.endpoint_az_names
}

output "endpoint_dns_names" {
  description = "Regional name first, then one zonal name per AZ."
  value       = aws_vpc_endpoint.inventory.dns_entry[*].dns_name
}

output "inventory_hostname" {
  description = "What storefront code calls."
  value       = aws_route53_record.inventory.fqdn
}
