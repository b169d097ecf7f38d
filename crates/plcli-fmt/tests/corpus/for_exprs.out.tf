locals {
  names    = [for s in var.subnets : s.name]
  by_az    = { for s in var.subnets : s.az => s.id... }
  filtered = [for i, s in var.subnets : upper(s.name) if s.public]
  nested   = [for x in [for y in var.list : y] : x]
  lit      = [for x in [1, 2, 3] : x * 2]
  obj = {
    for k, v in var.map :
    k => v
    if v != null
  }
  tmpl = "%{for ip in var.ips}${ip},%{endfor}"
}
