resource "a" {}
resource "a" {}
resource "a" "$" {}
resource "a" {}
resource "a" {}
