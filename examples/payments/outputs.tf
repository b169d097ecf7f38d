output "service_name" {
  description = "Endpoint service name consumers connect to."
  value       = aws_vpc_endpoint_service.payments.service_name
}

output "service_id" {
  description = "Endpoint service ID (vpce-svc-...), for plcli cloud ec2 calls."
  value       = aws_vpc_endpoint_service.payments.id
}

output "service_availability_zones" {
  description = "AZ names (provider account) the service is published in."
  value       = aws_vpc_endpoint_service.payments.availability_zones
}

output "private_dns_name" {
  description = "Friendly name that resolves to the endpoint ENIs inside the consumer VPC."
  value       = var.private_dns_name
}

output "endpoint_id" {
  description = "The consumer's interface endpoint."
  value       = aws_vpc_endpoint.payments.id
}

output "endpoint_dns_names" {
  description = "Regional name first, then one zonal name per AZ."
  value       = aws_vpc_endpoint.payments.dns_entry[*].dns_name
}

output "endpoint_state" {
  description = "available once the provider has accepted the connection."
  value       = aws_vpc_endpoint_connection_accepter.payments.vpc_endpoint_state
}

output "consumer_vpc_id" {
  description = "The consumer VPC (for plcli cloud dns resolve --vpc)."
  value       = aws_vpc.consumer.id
}
