resource "x" "y" {
  type = "string"
  variable {
    type = "map"
  }
}
locals {
  type = "list"
}
