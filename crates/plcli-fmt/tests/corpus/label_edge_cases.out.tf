resource "aws_vpc" "abc" {}
resource "aws_vpc" "tab\there" {}
resource "aws_vpc" "" {}
resource "aws_vpc" "x" /* after */ {}
resource "aws_vpc" "spaced" {}
resource "aws_vpc" "quote\"d" {}
