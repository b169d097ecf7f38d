resource "aws_vpc" "old" {
  cidr_block = "${var.vpc_cidr}"
  tags = {
    Name = "${var.name}"
  }
  count = "${length(var.azs)}"
  mixed = "prefix-${var.x}"
  two = "${var.a}${var.b}"
  nested = "${lookup(var.m, "${var.k}")}"
  spaced = "${ var.spaced }"
  cond = "${var.a ? "x" : "y"}"
}

output "dns" { value = "${aws_vpc_endpoint.old.dns_entry.0.dns_name}" }
