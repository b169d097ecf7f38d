output "vpc_id" {
  description = "The consumer VPC."
  value       = aws_vpc.this.id
}

output "endpoint_id" {
  description = "The interface endpoint (the provider accepts this ID)."
  value       = aws_vpc_endpoint.this.id
}

output "endpoint_dns_names" {
  description = "Regional name first, then one zonal name per AZ."
  value       = aws_vpc_endpoint.this.dns_entry[*].dns_name
}

output "endpoint_az_names" {
  description = "AZ ID -> this account's name for it (differs between accounts)."
  value       = { for az_id, s in aws_subnet.this : az_id => s.availability_zone }
}

output "app_private_ip" {
  description = "Address of the app host that calls the service."
  value       = aws_instance.app.private_ip
}
