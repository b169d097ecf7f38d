locals {
  a = [
    "one",
      "two",
  "three",
  ]
  b = [
    {
      name = "x"
      value = 1
    },
    {
      name = "yy"
      value = 2
    },
  ]
  c = [[1, 2], [3, 4]]
  d = [
    [1,
     2],
  ]
}
