# Provider side: publish the NLB as an endpoint service, allow the consumer's
# role, prove ownership of the private DNS name, and accept the connection.

resource "aws_vpc_endpoint_service" "payments" {
  provider = aws.provider

  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.payments.arn]
  private_dns_name           = var.private_dns_name

  tags = {
    Name = "payments-endpoint-service"
  }
}

# The allow-list entry: the consumer's workload role, not its whole account.
# Managed only here, never also inline in allowed_principals (they would
# overwrite each other).
resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
  provider = aws.provider

  vpc_endpoint_service_id = aws_vpc_endpoint_service.payments.id
  principal_arn           = var.consumer_role_arn

  lifecycle {
    precondition {
      condition     = split(":", var.consumer_role_arn)[4] == var.consumer_account_id
      error_message = "consumer_role_arn must be a role in consumer_account_id, the account the consumer provider works in."
    }
  }
}

# Ownership proof for private_dns_name. AWS checks PUBLIC DNS, so the TXT record
# goes into a public zone that covers the name (a parent domain is fine).
resource "aws_route53_zone" "public" {
  provider = aws.provider

  name    = var.public_zone_name
  comment = "Public zone holding the PrivateLink domain-verification record"
}

resource "aws_route53_record" "private_dns_verification" {
  provider = aws.provider

  zone_id = aws_route53_zone.public.zone_id
  # "_<token>.payments.example.com": the label AWS hands out, under the name.
  name    = "${aws_vpc_endpoint_service.payments.private_dns_name_configuration[0].name}.${var.private_dns_name}"
  type    = "TXT"
  ttl     = 1800
  records = [aws_vpc_endpoint_service.payments.private_dns_name_configuration[0].value]

  lifecycle {
    precondition {
      condition     = endswith(var.private_dns_name, ".${var.public_zone_name}")
      error_message = "private_dns_name must be a name under public_zone_name, or the TXT record cannot prove ownership."
    }
  }
}

# Ask AWS to check the TXT record now (instead of waiting for its periodic
# re-check), and wait until the name is verified. It must come after the
# record, hence depends_on: nothing else orders the two.
resource "aws_vpc_endpoint_service_private_dns_verification" "payments" {
  provider = aws.provider

  service_id            = aws_vpc_endpoint_service.payments.id
  wait_for_verification = true

  depends_on = [aws_route53_record.private_dns_verification]
}

# acceptance_required = true: the consumer's endpoint lands in
# pendingAcceptance; the provider account accepts it here.
resource "aws_vpc_endpoint_connection_accepter" "payments" {
  provider = aws.provider

  vpc_endpoint_service_id = aws_vpc_endpoint_service.payments.id
  vpc_endpoint_id         = aws_vpc_endpoint.payments.id
}
