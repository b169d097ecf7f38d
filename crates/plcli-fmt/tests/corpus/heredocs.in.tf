resource "aws_iam_policy" "p" {
  name = "p"
  policy = <<EOF
{
    "Version": "2012-10-17",
  "Statement": [ ${ jsonencode(var.stmt) } ]
}
EOF
  description = <<-DESC
    Indented heredoc
      keeps   its   spacing   
    DESC
}

output "o" {
  value = <<EOT
line1
   EOT is not the end
  EOT   
}
