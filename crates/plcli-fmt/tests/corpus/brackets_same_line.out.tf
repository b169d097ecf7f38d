locals {
  a = merge({
    x = 1
    }, {
    y = 2
  })
  b = [{
    a = 1
  }]
  c = concat([
    1,
  ], [2])
  d = { for k, v in var.m : k => {
    name = v
  } }
}
