locals {
  a = var.x
  b = (var.enabled
    ? "a"
  : "b")
  c = (var.a
  + var.b)
}
