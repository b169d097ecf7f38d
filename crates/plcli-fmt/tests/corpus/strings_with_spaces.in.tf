locals {
  a = "  spaced   string  "
  b = "tab	inside"
  c = "  ${ var.x }  "
  d = ""
  e = " "
}
