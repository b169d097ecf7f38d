resource "a" "a\\b" {}
resource "a" "é" {}
resource "a" "\u200b" {}
resource "a" "😀" {}
resource "a" "\u00a0x" {}
