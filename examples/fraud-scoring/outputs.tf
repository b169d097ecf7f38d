output "service_name" {
  description = "Endpoint service name to hand to consumers."
  value       = aws_vpc_endpoint_service.fraud.service_name
}

output "service_id" {
  description = "Endpoint service ID (vpce-svc-...), for plcli cloud ec2 calls."
  value       = aws_vpc_endpoint_service.fraud.id
}

output "private_dns_name" {
  description = "The hostname every consumer calls."
  value       = var.private_dns_name
}

output "allowed_principals" {
  description = "Every role on the allow-list."
  value = sort(concat(
    [for p in aws_vpc_endpoint_service_allowed_principal.consumer : p.principal_arn],
    [for p in aws_vpc_endpoint_service_allowed_principal.partner : p.principal_arn],
  ))
}

output "consumer_endpoints" {
  description = "Modelled consumers: endpoint ID and DNS names."
  value = {
    acquired_bu_a = {
      vpc_id      = module.consumer_bu_a.vpc_id
      endpoint_id = module.consumer_bu_a.endpoint_id
      dns_names   = module.consumer_bu_a.endpoint_dns_names
      az_names    = module.consumer_bu_a.endpoint_az_names
    }
    acquired_bu_b = {
      vpc_id      = module.consumer_bu_b.vpc_id
      endpoint_id = module.consumer_bu_b.endpoint_id
      dns_names   = module.consumer_bu_b.endpoint_dns_names
      az_names    = module.consumer_bu_b.endpoint_az_names
    }
    checkout = {
      vpc_id      = module.consumer_checkout.vpc_id
      endpoint_id = module.consumer_checkout.endpoint_id
      dns_names   = module.consumer_checkout.endpoint_dns_names
      az_names    = module.consumer_checkout.endpoint_az_names
    }
  }
}

output "consumers_to_onboard" {
  description = "Allowed consumers with no endpoint in this root: they create it in their own account."
  value       = sort([for name in keys(var.consumers) : name if !contains(keys(local.modelled_endpoints), name)])
}
