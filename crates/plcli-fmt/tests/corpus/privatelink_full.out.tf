data "aws_caller_identity" "current" {}

resource "aws_lb" "nlb" {
  name                             = "svc-nlb"
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = aws_subnet.provider[*].id
  enable_cross_zone_load_balancing = true
}

resource "aws_vpc_endpoint_service" "svc" {
  acceptance_required        = false
  network_load_balancer_arns = [aws_lb.nlb.arn]
  allowed_principals         = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
  supported_ip_address_types = ["ipv4"]
}

resource "aws_vpc_endpoint" "consumer" {
  vpc_id              = aws_vpc.consumer.id
  service_name        = aws_vpc_endpoint_service.svc.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.consumer[*].id
  security_group_ids  = [aws_security_group.consumer_ep.id]
  private_dns_enabled = false
  dns_options {
    dns_record_ip_type = "ipv4"
  }
}

resource "aws_route53_record" "alias" {
  zone_id = aws_route53_zone.private.zone_id
  name    = "svc.internal"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.consumer.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.consumer.dns_entry[0].hosted_zone_id
    evaluate_target_health = true
  }
}

output "endpoint_dns" {
  value = aws_vpc_endpoint.consumer.dns_entry[0]["dns_name"]
}
