locals {
  a = var.a == "x" ? "y" : "z"
  b = "name-${lookup(var.m, "k", "d")}-suffix"
  c = format("%s", "${var.x}")
  d = "literal"
  e = "\"escaped\" ${var.x} \\ \n"
}
