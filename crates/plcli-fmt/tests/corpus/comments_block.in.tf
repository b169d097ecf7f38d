/*
 * Block comment header
 *    keeps inner spacing
 */
resource "aws_vpc" "main" {
  /* leading */ cidr_block = "10.0.0.0/16"
  enable_dns_support = /* inline */ true
  tags = { /* empty-ish */ }
  enable_dns_hostnames = true /* trailing block */
  /* own line */
}
/* trailing file comment */
