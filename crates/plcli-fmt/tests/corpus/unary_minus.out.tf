locals {
  a = -1
  b = 1 - 1
  c = 1 - 1
  d = var.x-1
  e = (-var.x)
  f = [-1, -2]
  g = 5 * -3
  h = var.a == -1
  i = max(-1, -2)
  j = -var.x - -var.y
  k = { a = -1 }
  l = var.c ? -1 : -2
  m = !var.b
  n = !var.b
  o = -(1 + 2)
  p = 10 % 3
  q = a / b * c + d
}
