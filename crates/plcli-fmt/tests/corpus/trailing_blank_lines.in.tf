locals {
  a = 1
}



