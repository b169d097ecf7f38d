resource "a" "x$y" {}
resource "a" "100%%" {}
resource "a" "$" {}
resource "a" "%%" {}
resource "a" "$${x}" {}
