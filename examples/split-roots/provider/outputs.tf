output "service_name" {
  description = "Hand this to the consumer team (their var.service_name)."
  value       = aws_vpc_endpoint_service.inventory.service_name
}

output "service_id" {
  description = "Endpoint service ID (vpce-svc-...), for plcli cloud ec2 calls."
  value       = aws_vpc_endpoint_service.inventory.id
}

output "service_availability_zones" {
  description = "AZ names, in THIS account, the service is published in."
  value       = aws_vpc_endpoint_service.inventory.availability_zones
}

output "service_az_ids" {
  description = "The same AZs as IDs: the only form that means the same in the consumer's account."
  value       = aws_subnet.inventory[*].availability_zone_id
}
