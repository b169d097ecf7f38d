resource "a" "b" /* c3 */ {}
resource "a" {}
