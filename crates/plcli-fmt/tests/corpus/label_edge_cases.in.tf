resource "aws_vpc" "a\u0062c" {}
resource "aws_vpc" "tab\there" {}
resource "aws_vpc" "" {}
resource "aws_vpc" /* between */ "x" /* after */ {}
resource "aws_vpc"   "spaced"    {}
resource "aws_vpc" "quote\"d" {}
