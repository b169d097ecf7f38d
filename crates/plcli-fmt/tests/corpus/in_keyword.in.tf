locals {
  a = [for x in[1,2]: x]
  b = [for x in var.y: x]
  c = {for k,v in var.m: k=>v}
  d = [for x in (var.y): x]
  e = [ for x in var.y : x ]
  inside = "in"
  in = 1
}
