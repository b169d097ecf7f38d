variable "x" {
  type = string # the type
  default = "a" # default value
  description = "long description here" # desc
  sensitive = false
  nullable = true # null
}
locals {
  a = 1 # one
  bbbbbb = 2 # two
  # break
  cc = 3 # three
}
