resource "a" "a\\b" {}
resource "a" "\u00e9" {}
resource "a" "\u200b" {}
resource "a" "\U0001F600" {}
resource "a" "\u00a0x" {}
