locals {
  a = 1 + 2 * 3 / 4 % 5
  b = var.x == 1 && var.y != 2 || var.z >= 3
  c = var.a < var.b
  d = var.a > var.b
  e = var.a <= var.b
  f = (1 + 2) * 3
  g = var.x ? 1 : 2
  h = [1, 2, 3]
  i = f(1, 2, 3)
  j = f(var.list...)
  k = { a = 1, b = 2 }
}
