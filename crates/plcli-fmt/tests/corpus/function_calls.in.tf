locals {
  a = merge(var.tags,{Name="x"})
  b = cidrsubnet( var.cidr , 8 , 1 )
  c = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = ["s3:GetObject"]
      Resource = "*"
    }]
  })
  d = lookup(
    var.map,
    "key",
    "default"
  )
  e = format("%s-%s", var.a, var.b)
  f = coalesce(var.a,var.b,)
}
