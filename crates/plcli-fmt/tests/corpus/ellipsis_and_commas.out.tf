locals {
  a = max(var.list...)
  b = max(var.list...)
  c = { for x in var.l : x.k => x... }
  d = [1, 2, 3]
  e = f(a, b)
}
