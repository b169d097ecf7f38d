# Published without acceptance: the allow-list is the only gate. That is fine
# for a short, explicit list of accounts (never combine it with "*").
resource "aws_vpc_endpoint_service" "inventory" {
  acceptance_required        = false
  network_load_balancer_arns = [aws_lb.inventory.arn]

  # Consumers may find the service by this tag instead of by name (see the
  # consumer root's data source).
  tags = {
    Name = "inventory-endpoint-service"
  }
}

# Whole-account principals (plcli lint notes this, PL002): any role in those
# accounts may create an endpoint.
resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {
  for_each = toset(var.consumer_account_ids)

  vpc_endpoint_service_id = aws_vpc_endpoint_service.inventory.id
  principal_arn           = "arn:aws:iam::${each.key}:root"
}
