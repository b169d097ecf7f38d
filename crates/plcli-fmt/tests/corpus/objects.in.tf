locals {
  x = { a = 1 }
  y = {a=1,b=2}
  z = {
    a = 1
    bbb = 2
    "quoted key" = 3
    (local.key) = 4
    nested = {
      deep = true
      deeper = { k = "v" }
    }
  }
  colon = {
    a: 1
    bb: 2
  }
  empty = {}
  empty2 = {  }
}
