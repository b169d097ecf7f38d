locals {
  list = [
    "a", # first
    "bb", # second
    # standalone
    "ccc", // third
  ]
  obj = {
    a = 1 # one
    bbb = 2 /* two */
    cc = 3 # three
  }
}
