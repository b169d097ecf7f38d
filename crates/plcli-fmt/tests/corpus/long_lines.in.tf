resource "aws_vpc_endpoint" "interface" {
  for_each = toset(["ec2", "ec2messages", "ssm", "ssmmessages", "kms", "logs", "monitoring", "sts", "secretsmanager", "ecr.api", "ecr.dkr"])
  vpc_id = aws_vpc.main.id
  service_name = "com.amazonaws.${data.aws_region.current.name}.${each.value}"
  security_group_ids = [aws_security_group.endpoints.id, aws_security_group.extra.id, aws_security_group.another_one_with_a_long_name.id]
}
