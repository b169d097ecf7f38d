# The endpoint service, its allow-list (consumer and partner roles), private
# DNS verification, connection notifications and the accepters.

locals {
  consumer_role_arns = {
    for name, c in var.consumers : name => "arn:aws:iam::${c.account_id}:role/${c.role_name}"
  }

  # Accepters need endpoint IDs, and only the consumers modelled in this root
  # have one here. The keys are static, so for_each can plan; the values (the
  # endpoint IDs) are known after apply. Every other consumer creates its
  # endpoint in its own root and is accepted by the notification-driven
  # auto-approver or by hand (`plcli cloud ec2 accept-vpc-endpoint-connections`).
  modelled_endpoints = {
    acquired_bu_a = module.consumer_bu_a.endpoint_id
    acquired_bu_b = module.consumer_bu_b.endpoint_id
    checkout      = module.consumer_checkout.endpoint_id
  }
}

resource "aws_vpc_endpoint_service" "fraud" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.fraud.arn]
  private_dns_name           = var.private_dns_name

  tags = {
    Name = "fraud-scoring"
  }
}

resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
  for_each = local.consumer_role_arns

  vpc_endpoint_service_id = aws_vpc_endpoint_service.fraud.id
  principal_arn           = each.value
}

# The control that made the partner case acceptable to security: only the
# partner's designated workload role, never the partner's account root.
resource "aws_vpc_endpoint_service_allowed_principal" "partner" {
  for_each = var.partners

  vpc_endpoint_service_id = aws_vpc_endpoint_service.fraud.id
  principal_arn           = each.value
}

# Private DNS: one stable hostname for every consumer, proven through a TXT
# record in the platform's PUBLIC zone for payments.example.com.
resource "aws_route53_zone" "public" {
  name = var.public_zone_name
}

resource "aws_route53_record" "fraud_dns_verification" {
  zone_id = aws_route53_zone.public.zone_id
  name    = "${aws_vpc_endpoint_service.fraud.private_dns_name_configuration[0].name}.${var.private_dns_name}"
  type    = aws_vpc_endpoint_service.fraud.private_dns_name_configuration[0].type
  ttl     = 1800
  records = [aws_vpc_endpoint_service.fraud.private_dns_name_configuration[0].value]
}

resource "aws_vpc_endpoint_service_private_dns_verification" "fraud" {
  service_id            = aws_vpc_endpoint_service.fraud.id
  wait_for_verification = true

  depends_on = [aws_route53_record.fraud_dns_verification]
}

# Connect/Accept/Reject/Delete events for the onboarding automation (the
# auto-approver Lambda that reads the account registry is not part of this
# example) and for the on-call channel.
resource "aws_sns_topic" "privatelink_events" {
  name = "fraud-scoring-privatelink-events"
}

resource "aws_vpc_endpoint_connection_notification" "fraud" {
  vpc_endpoint_service_id     = aws_vpc_endpoint_service.fraud.id
  connection_notification_arn = aws_sns_topic.privatelink_events.arn
  connection_events           = ["Connect", "Accept", "Reject", "Delete"]
}

resource "aws_vpc_endpoint_connection_accepter" "modelled" {
  for_each = local.modelled_endpoints

  vpc_endpoint_service_id = aws_vpc_endpoint_service.fraud.id
  vpc_endpoint_id         = each.value

  lifecycle {
    precondition {
      condition     = contains(keys(var.consumers), each.key)
      error_message = "Modelled consumer ${each.key} is missing from var.consumers, so its role is not on the allow-list."
    }
  }
}
