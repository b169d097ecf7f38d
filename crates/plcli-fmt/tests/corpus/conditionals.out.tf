locals {
  a = var.enabled ? 1 : 0
  b = var.enabled ? "yes" : "no"
  c = (var.x == null ? "default" : var.x)
  d = var.a && var.b || !var.c
  e = var.count > 0 ? [for i in range(var.count) : i] : []
  f = (
    var.enabled
    ? "on"
    : "off"
  )
}
