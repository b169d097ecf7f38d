resource "aws_security_group" "sg" {
  name = "sg"
  dynamic "ingress" {
    for_each = var.ingress_rules
    content {
      from_port   = ingress.value.from
      to_port     = ingress.value.to
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}
